#!/usr/bin/env bash
# Refresh tanjai/core/static/vendor/ from the npm registry at the versions in package.json.
# Only maintainers need this (and Node); running Tanjai uses the committed files.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
cp package.json "$tmp/"
(cd "$tmp" && npm install --no-audit --no-fund --ignore-scripts >/dev/null)
N="$tmp/node_modules"
V=tanjai/core/static/vendor
rm -rf "$V" && mkdir -p "$V/htmx" "$V/chartjs" "$V/leaflet/images" "$V/sarabun"
cp "$N/htmx.org/dist/htmx.min.js" "$N/htmx.org/LICENSE" "$V/htmx/"
cp "$N/chart.js/dist/chart.umd.min.js" "$N/chart.js/LICENSE.md" "$V/chartjs/"
cp "$N/leaflet/dist/leaflet.js" "$N/leaflet/dist/leaflet.css" "$N/leaflet/LICENSE" "$V/leaflet/"
cp "$N/leaflet/dist/images/"* "$V/leaflet/images/"
for weight in 400 500 700; do
  for subset in thai latin; do
    cp "$N/@fontsource/sarabun/files/sarabun-$subset-$weight-normal.woff2" "$V/sarabun/"
  done
done
cp "$N/@fontsource/sarabun/LICENSE" "$V/sarabun/"
# No source maps are shipped: drop the references, which collectstatic would try to follow.
sed -i '/^\/\/# sourceMappingURL=/d' "$V/chartjs/chart.umd.min.js" "$V/leaflet/leaflet.js"
rm -rf "$tmp"
echo "vendor files refreshed in $V"
