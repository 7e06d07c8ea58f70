"""markup.py - the HTML pieces of the report page (scripts/report/render.py):
escaping, number and text cells (a number taken from a run names its run
and key), tables, sections, gnuplot's SVG made fit to inline, and the
page's style. Pure functions of their arguments: no file is read here.
"""
import html
import re


def esc(s):
    return html.escape(str(s), quote=True)


def num(value, run=None, key=None):
    """A number cell; with run and key, the number is that run's JSON value."""
    attrs = ' class=num'
    if run and key:
        attrs += ' data-run="%s" data-key="%s"' % (esc(run), esc(key))
    return "<td%s>%s</td>" % (attrs, esc(value))


def txt(value):
    return "<td>%s</td>" % esc(value)


def table(header, rows, cls=""):
    h = "".join("<th>%s</th>" % esc(c) for c in header)
    body = "\n".join("<tr>%s</tr>" % "".join(r) for r in rows)
    return '<div class=scroll><table%s><thead><tr>%s</tr></thead><tbody>\n%s\n</tbody></table></div>' % (
        ' class="%s"' % cls if cls else "", h, body)


def inline_svg(s, n, caption):
    """gnuplot's SVG text made fit to sit inline as the n-th plot of a page:
    no XML prolog, ids (and the references to them) made unique on the
    page, a real title; None if it holds a script or refers outside itself."""
    s = re.sub(r"<\?xml[^>]*\?>\s*", "", s)
    s = re.sub(r"<!DOCTYPE[^>]*>\s*", "", s)
    if re.search(r"<script|javascript:|(?:xlink:)?href=['\"](?!#)|url\((?!#)", s):
        return None
    pre = "p%d-" % n
    s = re.sub(r"""\bid=(['"])([^'"]+)\1""", lambda m: 'id="%s%s"' % (pre, m.group(2)), s)
    s = re.sub(r"""href=(['"])#([^'"]+)\1""", lambda m: 'href="#%s%s"' % (pre, m.group(2)), s)
    s = re.sub(r"url\(#([^)]+)\)", lambda m: "url(#%s%s)" % (pre, m.group(1)), s)
    s = re.sub(r"<title>[^<]*</title>", "<title>%s</title>" % esc(caption), s, count=1)
    return s.replace("<svg", '<svg role="img" aria-label="%s" class=plot' % esc(caption), 1)


def figure(svg_text, caption, data):
    return '<figure>%s<figcaption>%s <span class=src>(data: %s)</span></figcaption></figure>' % (
        svg_text, esc(caption), esc(data))


def section(sid, title, intro, notes, body):
    """One <section>: its id (the table of contents links it), heading,
    introduction (HTML), notes (HTML) and body."""
    return '<section id="%s">\n<h2>%s</h2>\n<p class=intro>%s</p>\n%s\n%s\n</section>' % (
        sid, esc(title), intro, notes, body)


STYLE = """
body { font-family: sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 1em 3em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ccc; margin-top: 2em; }
nav ol { columns: 3; } .intro { max-width: 60em; } .note { color: #a40; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scroll { overflow-x: auto; }
th { background: #f0f0f0; } .facts td:first-child { font-weight: bold; }
.figs { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 1em; }
figure { margin: 0.5em 0; max-width: 800px; }
svg.plot { width: 100%; height: auto; border: 1px solid #ddd; }
figcaption, .src { font-size: 0.85em; color: #555; }
ul.files { columns: 3; font-size: 0.9em; }
"""
