from django.http import HttpRequest
from ninja import Router, Schema

from tanjai.organisation.models import Branch
from tanjai.reference.models import Category, Channel

router = Router(tags=["reference data"])


class ChannelOut(Schema):
    code: str
    name_th: str
    name_en: str


class SubcategoryOut(Schema):
    code: str
    name_th: str
    name_en: str


class CategoryOut(Schema):
    code: str
    name_th: str
    name_en: str
    subcategories: list[SubcategoryOut]


class BranchOut(Schema):
    code: str
    name_th: str
    name_en: str
    region: int
    special: bool
    province_th: str


@router.get("/channels", response=list[ChannelOut])
def channels_list(request: HttpRequest):
    return Channel.objects.filter(active=True)


@router.get("/categories", response=list[CategoryOut])
def categories_list(request: HttpRequest):
    categories = Category.objects.filter(active=True).prefetch_related("subcategories")
    return [
        {
            "code": c.code,
            "name_th": c.name_th,
            "name_en": c.name_en,
            "subcategories": [s for s in c.subcategories.all() if s.active],
        }
        for c in categories
    ]


@router.get("/branches", response=list[BranchOut])
def branches_list(request: HttpRequest, region: int | None = None):
    qs = Branch.objects.filter(active=True).select_related("region")
    if region is not None:
        qs = qs.filter(region__number=region)
    return [
        {
            "code": b.code,
            "name_th": b.name_th,
            "name_en": b.name_en,
            "region": b.region.number,
            "special": b.special,
            "province_th": b.province_th,
        }
        for b in qs
    ]
