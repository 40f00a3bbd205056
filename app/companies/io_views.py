"""Company spreadsheets: the import template, the import page and the XLSX export.

Routes are added to the `companies` blueprint (app/companies/blueprint.py).
"""
from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy.exc import IntegrityError
from wtforms import SubmitField

from app.companies import importing, permissions, queries
from app.companies.forms import CompanyFilterForm
from app.companies.blueprint import bp
from app.core.inputs import refuse_ignored_filters
from app.core.permissions import require
from app.core.spreadsheets import MAX_ROWS, SpreadsheetError, read_table, send_xlsx_workbook, stream_xlsx
from app.core.timeutil import local_today
from app.extensions import db

MAX_ERRORS_SHOWN = 500
_SUMMARY_KEY = "company_import_summary"


class CompanyImportForm(FlaskForm):
    file = FileField(_l("选择文件（.xlsx 或 .csv）"), validators=[
        FileRequired(_l("请选择要上传的文件。")),
        FileAllowed(["xlsx", "csv"], _l("只能上传 .xlsx 或 .csv 文件（.xls 等格式请在表格软件中另存为 .xlsx 或 .csv）。")),
    ])
    submit = SubmitField(_l("检查并导入"))


@bp.context_processor
def _spreadsheet_permissions():
    return {"can_import_companies": permissions.can_import_companies}


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_upload():
    require(permissions.can_import_companies(current_user))
    form = CompanyImportForm()
    errors: list = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = read_table(upload, max_bytes=current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024)
        except SpreadsheetError as exc:
            form.file.errors.append(str(exc))
        else:
            clean, errors = importing.validate_rows(rows)
            if not errors:
                try:
                    summary = importing.import_companies(current_user, clean, filename=upload.filename or "")
                    db.session.commit()
                except IntegrityError:  # someone registered one of the codes since we checked
                    db.session.rollback()
                    form.file.errors.append(_("导入时发现部分统一社会信用代码刚被登记，未导入任何企业，请重新上传。"))
                else:
                    session[_SUMMARY_KEY] = summary
                    return redirect(url_for("companies.import_upload"))
    summary = session.pop(_SUMMARY_KEY, None) if request.method == "GET" else None
    return render_template(
        "companies/import.html", form=form, errors=errors[:MAX_ERRORS_SHOWN], error_count=len(errors),
        error_rows=len({e.row for e in errors}), summary=summary, columns=importing.COLUMNS,
        max_mb=current_app.config["MAX_UPLOAD_MB"], max_rows=MAX_ROWS,
    )


@bp.route("/import/template.xlsx")
@login_required
def import_template():
    require(permissions.can_import_companies(current_user))
    return send_xlsx_workbook(importing.build_template(), _("企业导入模板.xlsx"))


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    """The list page's companies (same scope, same filters) as one XLSX, all pages."""
    require(permissions.can_list_companies(current_user))
    show_escort = permissions.can_filter_by_escort(current_user)
    filters = CompanyFilterForm(request.args, show_escort=show_escort).filters()
    refuse_ignored_filters()
    stmt = queries.filter_companies(queries.visible_companies(current_user), **filters)
    filename = _("企业名单-%(day)s.xlsx", day=local_today().strftime("%Y%m%d"))
    return stream_xlsx(filename, importing.EXPORT_HEADERS, importing.export_rows(stmt), sheet_title="企业",
                       widths={c.header: c.width for c in importing.COLUMNS})
