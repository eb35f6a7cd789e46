"""Import of the Maven Analytics CRM sample (a fictitious B2B pipeline; ../shared/datasets/maven-crm/,
see its SOURCE.md): accounts, products, managers and their teams, agents, and every opportunity as a
deal of the "Maven" pipeline (Prospecting > Engaging > Won / Lost) with its dates and value.

Rows are written straight through the ORM in bulk (an import of third-party sample data, not a
person's work: no events). Running it again replaces the Maven pipeline's deals. Dates become noon
UTC of their day, so a sales cycle is a whole number of days."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.text import slugify

from imbuto.core.errors import ValidationFailed
from imbuto.deals.models import Deal, DealLine, Pipeline, PipelineStage, Product
from imbuto.leads.models import Account
from imbuto.users.models import Team, User

PIPELINE = "Maven"
STAGES = (
    ("prospecting", "Prospecting", 10, "open"),
    ("engaging", "Engaging", 40, "open"),
    ("won", "Won", 100, "won"),
    ("lost", "Lost", 0, "lost"),
)
COUNTRIES = {
    "United States": "US",
    "Belgium": "BE",
    "Brazil": "BR",
    "China": "CN",
    "Germany": "DE",
    "Italy": "IT",
    "Japan": "JP",
    "Jordan": "JO",
    "Kenya": "KE",
    "Korea": "KR",
    "Norway": "NO",
    "Panama": "PA",
    "Philipines": "PH",
    "Poland": "PL",
    "Romania": "RO",
}
FILES = ("accounts.csv", "products.csv", "sales_teams.csv", "sales_pipeline.csv")


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def noon(text: str) -> dt.datetime | None:
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(12), tzinfo=dt.UTC) if text else None


def _key(name: str) -> str:
    return name.replace(" ", "").lower()  # "GTXPro" in the pipeline is "GTX Pro" in products.csv


def _user(name: str, role: str, team: Team | None, password: str) -> User:
    first, _sep, last = name.partition(" ")
    user, _created = User.objects.get_or_create(
        username=f"maven-{slugify(name)}"[:150],
        defaults={"first_name": first, "last_name": last, "role": role, "team": team, "password": password},
    )
    return user


def import_maven(folder: Path) -> dict[str, int]:
    """Import the four CSV files of `folder`; returns counts by kind."""
    missing = [n for n in FILES if not (folder / n).is_file()]
    if missing:
        raise ValidationFailed(f"Not a Maven CRM folder: missing {', '.join(missing)}.")
    accounts_rows, products_rows = _read(folder, "accounts.csv"), _read(folder, "products.csv")
    teams_rows, deals_rows = _read(folder, "sales_teams.csv"), _read(folder, "sales_pipeline.csv")
    password = make_password(None)  # no one signs in as these people
    with transaction.atomic():
        pipe, _created = Pipeline.objects.get_or_create(name=PIPELINE)
        stages = {}
        for i, (key, name, prob, outcome) in enumerate(STAGES):
            stages[key], _c = PipelineStage.objects.get_or_create(
                pipeline=pipe,
                key=key,
                defaults={"name": name, "position": i, "probability": prob, "outcome": outcome},
            )
        DealLine.objects.filter(deal__pipeline=pipe).delete()
        Deal.objects.filter(pipeline=pipe).delete()
        teams: dict[str, Team] = {}
        agents: dict[str, User] = {}
        for row in teams_rows:
            manager = row["manager"]
            if manager not in teams:
                teams[manager], _c = Team.objects.get_or_create(
                    slug=f"maven-{slugify(manager)}",
                    defaults={"name": f"{manager} ({row['regional_office']})"},
                )
                _user(manager, "manager", teams[manager], password)
            agents[row["sales_agent"]] = _user(row["sales_agent"], "rep", teams[manager], password)
        accounts = {}
        for row in accounts_rows:
            accounts[row["account"]], _c = Account.objects.get_or_create(
                name=row["account"],
                defaults={"industry": row["sector"], "country": COUNTRIES.get(row["office_location"], "")},
            )
        products = {}
        for row in products_rows:
            products[_key(row["product"])], _c = Product.objects.get_or_create(
                code=f"maven-{slugify(row['product'])}",
                defaults={
                    "name": row["product"],
                    "family": row["series"],
                    "unit_price": Decimal(row["sales_price"]),
                },
            )
        deals, lines = [], []
        for row in deals_rows:
            stage = stages[row["deal_stage"].lower()]
            agent = agents.get(row["sales_agent"]) or _user(row["sales_agent"], "rep", None, password)
            value = Decimal(row["close_value"]) if row["close_value"] else None
            created = noon(row["engage_date"])
            deal = Deal(
                name=row["opportunity_id"],
                pipeline=pipe,
                stage=stage,
                status=stage.outcome,
                amount=value,
                owner=agent,
                team=agent.team,
                account=accounts.get(row["account"]),
                closed_at=noon(row["close_date"]),
                probability=None,
                **({"created_at": created, "stage_changed_at": created} if created else {}),
            )
            deals.append(deal)
            product = products.get(_key(row["product"]))
            lines.append((deal, product, value))
        Deal.objects.bulk_create(deals, batch_size=1000)
        DealLine.objects.bulk_create(
            [
                DealLine(
                    deal=d,
                    product=p,
                    description=p.name if p else "",
                    quantity=1,
                    unit_price=v if v is not None else (p.unit_price if p else 0),
                )
                for d, p, v in lines
            ],
            batch_size=1000,
        )
    return {
        "teams": len(teams),
        "agents": len(agents),
        "accounts": len(accounts),
        "products": len(products),
        "deals": len(deals),
    }


def summary(counts: dict[str, Any]) -> str:
    return ", ".join(f"{n} {k}" for k, n in counts.items())
