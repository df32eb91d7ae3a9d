"""One colour per layer everywhere, the chart defaults, and the presentation-mode stylesheet."""

from __future__ import annotations

from ross_cost.model import LAYERS

#: Colour-blind-safe hues (Okabe-Ito family), one per layer, used by every chart and legend.
LAYER_COLORS: dict[str, str] = {
    "prompt": "#0072B2",
    "tool": "#E69F00",
    "memory": "#009E73",
    "response": "#CC79A7",
}
LAYER_ORDER: tuple[str, ...] = tuple(layer.value for layer in LAYERS)
#: Period A and B of a comparison.
COMPARE_COLORS: tuple[str, str] = ("#9CA3AF", "#4F46E5")
#: The favicon, drawn locally (a ":material/...:" favicon would be fetched from a font CDN).
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" '
    'fill="#4F46E5"/><text x="32" y="46" font-family="Arial, sans-serif" font-size="40" font-weight="700" '
    'fill="#fff" text-anchor="middle">$</text></svg>'
)
FONT = "Source Sans Pro, sans-serif"

#: Labels people read for the keys that group and filter cost.
KEY_LABELS: dict[str, str] = {
    "layer": "Layer",
    "tenant_id": "Tenant",
    "agent_slug": "Agent",
    "module_id": "Module",
    "model": "Model",
    "provider": "Provider",
    "channel": "Channel",
    "tenant_tier": "Tenant tier",
    "tool_name": "Tool",
    "memory_layer": "Memory layer",
    "line_kind": "Line kind",
    "period": "Period",
}


def label(key: str) -> str:
    return KEY_LABELS.get(key, key.replace("_", " ").capitalize())


#: Presentation mode: no sidebar, no toolbar, no download or picker controls; bigger numbers and text.
PRESENTATION_CSS = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stToolbar"], [data-testid="stDownloadButton"], .st-key-controls, .st-key-ask { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 1500px; padding-top: 4.5rem; }
[data-testid="stMetricValue"] p { font-size: 3rem !important; line-height: 1.2; }
[data-testid="stMetricLabel"] p { font-size: 1.2rem !important; }
.st-key-narrative p { font-size: 1.35rem; line-height: 1.6; }
h1 { font-size: 3rem !important; }
</style>
"""

#: Always on: tabular figures, and each layer's metric edged in the layer's colour.
BASE_CSS = "<style>[data-testid=\"stMetricValue\"] { font-variant-numeric: tabular-nums; }\n" + "".join(
    f".st-key-layer-{layer} {{ border-left: 5px solid {color}; padding-left: 0.75rem; }}\n"
    for layer, color in LAYER_COLORS.items()
) + "</style>"
