"""The administrator's form for ranking weights, minimum cases and yellow cards."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.rankings.scoring import BOARDS, WEIGHT_MAX, RankingConfig
from app.rankings.services import MIN_CASES_RANGE, YELLOW_CARDS_RANGE


def weight_field_name(board_key: str, metric_key: str) -> str:
    return f"{board_key}__{metric_key}"


class RankingSettingsForm(FlaskForm):
    """One 0–100 weight per metric of each board (added below from BOARDS), then the two limits."""

    min_cases = IntegerField(
        _l("参与排名的最少样本数"),
        validators=[
            InputRequired(_l("请填写最少样本数。")),
            NumberRange(min=MIN_CASES_RANGE[0], max=MIN_CASES_RANGE[1],
                        message=_l("请填写 %(low)d–%(high)d 之间的整数。", low=MIN_CASES_RANGE[0], high=MIN_CASES_RANGE[1])),
        ],
        description=_l("样本数不足的对象单列显示，不参与排名。默认：3"),
    )
    yellow_cards = IntegerField(
        _l("黄牌数量"),
        validators=[
            Optional(),
            NumberRange(min=YELLOW_CARDS_RANGE[0], max=YELLOW_CARDS_RANGE[1],
                        message=_l("请填写 %(low)d–%(high)d 之间的整数。",
                                   low=YELLOW_CARDS_RANGE[0], high=YELLOW_CARDS_RANGE[1])),
        ],
        description=_l("每个榜单末位标注黄牌的数量；留空为自动（参与排名对象的10%，向上取整，至少1名）；填0则不标注。"),
    )

    def __init__(self, *args, config: RankingConfig | None = None, **kwargs):
        if config is not None:
            for board_key, weights in config.weights.items():
                for metric_key, weight in weights.items():
                    kwargs.setdefault(weight_field_name(board_key, metric_key), weight)
            kwargs.setdefault("min_cases", config.min_cases)
            kwargs.setdefault("yellow_cards", config.yellow_cards)
        super().__init__(*args, **kwargs)

    def board_fields(self, board_key: str):
        return [self[weight_field_name(board_key, m.key)] for m in BOARDS[board_key].metrics]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for spec in BOARDS.values():
            fields = self.board_fields(spec.key)
            if all(f.data is not None for f in fields) and not any(f.data for f in fields):
                fields[0].errors = [*fields[0].errors, _l("每个榜单至少要有一项权重大于0。")]
                ok = False
        return ok

    def values(self) -> dict:
        return {
            "weights": {spec.key: {m.key: self[weight_field_name(spec.key, m.key)].data for m in spec.metrics}
                        for spec in BOARDS.values()},
            "min_cases": self.min_cases.data,
            "yellow_cards": self.yellow_cards.data,
        }


for _spec in BOARDS.values():
    for _metric in _spec.metrics:
        setattr(RankingSettingsForm, weight_field_name(_spec.key, _metric.key), IntegerField(
            _metric.label,
            validators=[
                InputRequired(_l("请填写权重。")),
                NumberRange(min=0, max=WEIGHT_MAX, message=_l("请填写 0–%(max)d 之间的整数。", max=WEIGHT_MAX)),
            ],
            description=_l("默认：%(n)d", n=_spec.default_weights[_metric.key]),
        ))
RankingSettingsForm.submit = SubmitField(_l("保存"))
del _spec, _metric


class PublishForm(FlaskForm):
    """Publish (freeze) the board on screen; a second publication of a period is a correction with a reason."""

    board = HiddenField(validators=[InputRequired()])
    period = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(_l("更正原因"), validators=[Optional(), Length(max=2000)],
                           description=_l("首次发布不必填写；重新发布（更正）必须说明原因，原版本保留并公开。"))
    submit = SubmitField(_l("发布本期排名"))
