"""The HTML page around the chart: Vega, Vega-Lite and vega-embed inlined, nothing fetched.

The chart's action menu (export, "Open in Vega Editor", which links to an online editor) is off.
The page exposes the Vega view as `window.dashboardView` and sets `data-ready` on <body> once drawn,
for the browser test."""

from __future__ import annotations

import html
import json
import os
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version

import altair as alt
import vl_convert

from pipeline import config

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
  body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 24px; color: #222; }}
  h1 {{ font-size: 20px; margin: 0 0 4px; }}
  p.note {{ color: #666; font-size: 12px; margin: 0 0 12px; }}
  #filters {{ margin-bottom: 16px; }}
  .vega-bind {{ display: inline-block; margin-right: 24px; }}
  .error {{ color: #b00; }}
</style>
<script>{bundle}</script>
</head>
<body>
<h1>{title}</h1>
<p class="note">Built {built}. Numbers come from the warehouse's dashboard marts; every view follows both filters.</p>
<div id="filters"></div>
<div id="dashboard"></div>
<script>
const spec = {spec};
vegaEmbed("#dashboard", spec, {{actions: false, renderer: "svg"}})
  .then(function (result) {{
    // vega-embed puts the dropdowns under the views; readers look for filters first.
    const bindings = document.querySelector("#dashboard .vega-bindings");
    if (bindings) document.getElementById("filters").appendChild(bindings);
    window.dashboardView = result.view;
    document.body.dataset.ready = "true";
  }})
  .catch(function (error) {{
    document.getElementById("dashboard").innerHTML = '<p class="error"></p>';
    document.querySelector("#dashboard .error").textContent = "The dashboard could not be drawn: " + error;
    console.error(error);
  }});
</script>
</body>
</html>
"""


@cache
def _javascript_bundle() -> str:
    """Vega, Vega-Lite (the version Altair writes) and vega-embed, as one script.

    vl-convert assembles it in about 6 s, so it is kept in a cache file named by both versions."""
    vega_lite = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    cached = config.cache_dir() / f"vega-bundle-vlconvert{version('vl-convert-python')}-vl{vega_lite}.js"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle(vl_version=vega_lite)
    # Inlined as it is (rewriting it could break its regular expressions): it must not end the element.
    if "</script" in bundle.lower():
        raise RuntimeError("the Vega bundle contains '</script' and cannot be inlined")
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.partial")
    partial.write_text(bundle, encoding="utf-8")
    partial.replace(cached)
    return bundle


def _json_script_safe(text: str) -> str:
    # JSON text inside a script element: a "</" in a string (e.g. "</script>") would end it early.
    return text.replace("</", "<\\/")


def render_page(chart: alt.TopLevelMixin, title: str) -> str:
    spec = json.dumps(chart.to_dict(), separators=(",", ":"), allow_nan=False)
    return TEMPLATE.format(
        title=html.escape(title),
        built=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        bundle=_javascript_bundle(),
        spec=_json_script_safe(spec),
    )
