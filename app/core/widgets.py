"""Form widgets for district-sized data, and WTForms' attribute writer made cheap."""
from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.widgets import core as widgets_core


class LongSelect(widgets.Select):
    """wtforms' <select> for option lists in the thousands (every company of the district, every escort).

    The same HTML as widgets.Select, but each option is one f-string: wtforms builds a choice
    object and an attribute dict per option, which at 5,000 companies costs more than the rest
    of the page. Falls back to widgets.Select for groups, multiple selects and per-option attributes.
    """

    def __call__(self, field, **kwargs):
        # A list of (value, label) pairs has no option groups (field.has_groups() would build
        # a choice object per option to find that out).
        choices = field.choices if isinstance(field.choices, (list, tuple)) else None
        if self.multiple or choices is None or any(not isinstance(c, tuple) or len(c) != 2 for c in choices[:1]):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        data, coerce = field.data, field.coerce
        html = [f"<select {widgets.html_params(name=field.name, **kwargs)}>"]
        append = html.append
        for value, label in choices:
            if isinstance(value, bool):
                return super().__call__(field, **kwargs)
            try:
                selected = " selected" if coerce(value) == data else ""
            except (ValueError, TypeError):
                selected = ""
            append(f'<option{selected} value="{escape(value)}">{escape(label or value)}</option>')
        html.append("</select>")
        return Markup("".join(html))


# WTForms' own writer, kept for the test that the two write the same text (tests/test_widgets.py).
WTFORMS_HTML_PARAMS = getattr(widgets_core.html_params, "wtforms_original", widgets_core.html_params)


def html_params(**kwargs) -> Markup:
    """wtforms.widgets.html_params (WTForms 3.3), the same text: attributes sorted by name, `class_` → class,
    `data_x`/`aria_x` → data-x/aria-x, True → the bare name, False left out, values escaped (a " in a Markup value
    as &quot;). WTForms writes each attribute through Markup.format, whose escaping formatter cost a list page's
    filter bar a millisecond (issue 14); here each is one f-string."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = widgets_core.clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))


def install_fast_html_params() -> None:
    """Every WTForms widget and label writes its attributes with html_params above (idempotent): the module
    function that Select, TextArea and the labels call, and the Input widgets' own reference to it."""
    widgets_core.html_params = html_params
    widgets.html_params = html_params
    for widget in (widgets_core.Input, widgets_core.Button):  # the classes that keep their own reference
        widget.html_params = staticmethod(html_params)


html_params.wtforms_original = WTFORMS_HTML_PARAMS
