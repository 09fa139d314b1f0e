#!/usr/bin/env python3
"""Converts a screen printed by `patchdesk --print=ansi` (SGR colours and bold, dim, italic,
underline, reverse) into an SVG of a terminal window: one <text> row per line, one <tspan> per
run of equal style. Reads stdin, writes stdout.  Usage: ansi2svg.py [TITLE] < screen > out.svg
"""
import html
import re
import sys

# A dark palette (the 16 ANSI colours); the theme only uses the base 8.
PALETTE = {
    30: "#1d1f21", 31: "#e0625a", 32: "#8cc265", 33: "#d8b14c", 34: "#6b9cdd",
    35: "#c678dd", 36: "#56b6c2", 37: "#c5c8c6", 90: "#666666", 91: "#ff7b72",
    92: "#a8e07e", 93: "#f2d16b", 94: "#8ab4f8", 95: "#d69ae8", 96: "#7fd4de", 97: "#ffffff",
}
FG, BG = "#d4d4d4", "#1e1e1e"
CW, CH = 8.4, 17  # cell width and height in px at font-size 14

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def parse(line):
    """Yields (text, style) runs for one line."""
    style = {}
    pos = 0
    for m in SGR.finditer(line):
        if m.start() > pos:
            yield line[pos:m.start()], dict(style)
        codes = [int(c) for c in m.group(1).split(";") if c] or [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                style = {}
            elif c in (1, 2, 3, 4, 7, 9):
                style[c] = True
            elif 30 <= c <= 37 or 90 <= c <= 97:
                style["fg"] = PALETTE[c]
            elif 40 <= c <= 47 or 100 <= c <= 107:
                style["bg"] = PALETTE[c - 10]
            elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                style["fg" if c == 38 else "bg"] = "#888888"
                i += 2
            elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
                r, g, b = codes[i + 2:i + 5]
                style["fg" if c == 38 else "bg"] = "#%02x%02x%02x" % (r, g, b)
                i += 4
            i += 1
        pos = m.end()
    if pos < len(line):
        yield line[pos:], dict(style)


def main():
    title = sys.argv[1] if len(sys.argv) > 1 else "patchdesk"
    lines = sys.stdin.read().rstrip("\n").split("\n")
    cols = max((len(SGR.sub("", l)) for l in lines), default=80)
    width, height = int(cols * CW) + 20, int(len(lines) * CH) + 44
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">',
        f'<rect width="100%" height="100%" rx="8" fill="{BG}"/>',
        '<circle cx="18" cy="14" r="5" fill="#ff5f56"/><circle cx="36" cy="14" r="5" fill="#ffbd2e"/>'
        '<circle cx="54" cy="14" r="5" fill="#27c93f"/>',
        f'<text x="{width / 2}" y="18" fill="#999" text-anchor="middle" font-size="12">{html.escape(title)}</text>',
    ]
    for row, line in enumerate(lines):
        y = 34 + row * CH
        col = 0
        spans = []
        for text, st in parse(line):
            fg, bg = st.get("fg", FG), st.get("bg")
            if st.get(7):
                fg, bg = bg or BG, fg
            if bg:
                out.append(f'<rect x="{10 + col * CW:.1f}" y="{y}" width="{len(text) * CW:.1f}" height="{CH}" fill="{bg}"/>')
            attrs = [f'fill="{fg}"']
            if st.get(1):
                attrs.append('font-weight="bold"')
            if st.get(2):
                attrs.append('opacity="0.6"')
            if st.get(3):
                attrs.append('font-style="italic"')
            deco = [d for d, k in (("underline", 4), ("line-through", 9)) if st.get(k)]
            if deco:
                attrs.append(f'text-decoration="{" ".join(deco)}"')
            spans.append(f'<tspan x="{10 + col * CW:.1f}" {" ".join(attrs)}>{html.escape(text)}</tspan>')
            col += len(text)
        if spans:
            out.append(f'<text y="{y + CH - 4}" xml:space="preserve">{"".join(spans)}</text>')
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
