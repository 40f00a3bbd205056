"""Form widgets for district-sized data."""
from markupsafe import Markup, escape
from wtforms import widgets


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
