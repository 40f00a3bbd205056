"""Reference lists admins edit: departments, towns (镇街), industries (GB/T 4754 sections)."""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class NamedListEntry:
    """The shape every reference list shares: a unique code and name, switchable off."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True, nullable=False)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True, nullable=False)
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true(), nullable=False)

    def __str__(self) -> str:
        return self.name


class Department(NamedListEntry, db.Model):
    """A functional department of the help team (助企帮帮团): tax, HR, land …"""

    __tablename__ = "departments"


class Town(NamedListEntry, db.Model):
    """A town or street (镇街) of the district."""

    __tablename__ = "towns"


class Industry(NamedListEntry, db.Model):
    """A GB/T 4754-2017 section (门类), letter code A–T."""

    __tablename__ = "industries"
    code: Mapped[str] = mapped_column(sa.String(8), unique=True, nullable=False)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
