"""WTForms' attribute writer is replaced by a cheaper one (app.core.widgets.html_params): it must write exactly what
WTForms writes, for every kind of value a form, a template or a label passes."""
import itertools

import pytest
from flask_babel import lazy_gettext
from markupsafe import Markup
from wtforms import widgets
from wtforms.widgets import core as widgets_core

from app.core.widgets import WTFORMS_HTML_PARAMS, html_params

VALUES = [True, False, None, 0, 7, 2.5, "", "plain", 'a "quoted" <b>&amp;</b>', "日期应在 1900-01-01 至 2999-12-31 之间",
          Markup('<i class="x">已转义</i>'), Markup("a&amp;b")]
KEYS = ["class_", "id", "name", "data_bs_target", "aria_label", "for_", "maxlength", "value", "checked", "type"]


@pytest.mark.parametrize("key, value", list(itertools.product(KEYS, VALUES)))
def test_one_attribute_is_written_as_wtforms_writes_it(key, value):
    ours, theirs = html_params(**{key: value}), WTFORMS_HTML_PARAMS(**{key: value})
    assert ours == theirs and isinstance(ours, Markup)


def test_several_attributes_are_sorted_and_joined_as_wtforms_does(app):
    with app.test_request_context("/"):
        kwargs = {"name": "q", "id": "q", "class_": "form-control form-control-sm", "required": True, "disabled": False,
                  "placeholder": lazy_gettext("编号、标题、内容或留言中的词"), "data_bs_toggle": "collapse", "value": 'x"y'}
        assert html_params(**kwargs) == WTFORMS_HTML_PARAMS(**kwargs)
        assert html_params() == WTFORMS_HTML_PARAMS() == Markup("")


def test_the_app_installs_it_for_widgets_labels_and_inputs(app):
    assert widgets.html_params is html_params and widgets_core.html_params is html_params
    assert widgets_core.Input.html_params is html_params and widgets_core.Button.html_params is html_params
    assert WTFORMS_HTML_PARAMS is not html_params
