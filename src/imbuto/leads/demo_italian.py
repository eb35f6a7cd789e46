"""The demo of an Italian instance speaks Italian: campaign names, industries, job titles, team names
and the notes people wrote are turned into Italian after the plan is built, so the same seed gives the
same people and paths in either language (`imbuto demo --language it`, or IMBUTO_LANGUAGE=it)."""

from __future__ import annotations

from typing import Any

TEAMS = {"North": "Nord", "South": "Sud"}

TEXT = {
    # campaigns
    "Trade fair: SPS Italia, Parma": "Fiera: SPS Italia, Parma",
    "Trade fair: Made in Steel, Milano": "Fiera: Made in Steel, Milano",
    "Webinar: lead scoring in practice": "Webinar: il lead scoring in pratica",
    "Webinar: from MQL to SQL": "Webinar: da MQL a SQL",
    "Spring newsletter": "Newsletter di primavera",
    "Autumn product launch mailing": "Mailing lancio prodotti d'autunno",
    "Google Ads: search Italy": "Google Ads: ricerca Italia",
    "Local radio: Emilia": "Radio locale: Emilia",
    "Customer lunch: Milano": "Pranzo clienti: Milano",
    "LinkedIn thought leadership": "LinkedIn: contenuti di settore",
    "Purchased list: manufacturing, Northern Italy": "Lista acquistata: manifattura, Nord Italia",
    "Chamber of commerce B2B day: Bologna": "Giornata B2B Camera di commercio: Bologna",
    "Sponsored event: Digital Summit": "Evento sponsorizzato: Digital Summit",
    "Blog guide: Industry 5.0": "Guida sul blog: Industria 5.0",
    "Product demo video": "Video dimostrativo del prodotto",
    # industries
    "Manufacturing": "Manifattura", "Food & beverage": "Alimentare e bevande", "Logistics": "Logistica",
    "Construction": "Edilizia", "Retail": "Commercio al dettaglio", "Software": "Software",
    "Professional services": "Servizi professionali", "Healthcare": "Sanità", "Energy": "Energia",
    "Automotive": "Automotive", "Fashion & textiles": "Moda e tessile",
    "Hospitality": "Turismo e ospitalità",
    "Financial services": "Servizi finanziari", "Education": "Istruzione",
    # job titles
    "CEO": "Amministratore delegato", "General manager": "Direttore generale",
    "Purchasing manager": "Responsabile acquisti", "Operations manager": "Responsabile operativo",
    "CFO": "Direttore finanziario", "IT manager": "Responsabile IT",
    "Plant manager": "Direttore di stabilimento",
    "Head of marketing": "Responsabile marketing", "Sales director": "Direttore commerciale",
    "Owner": "Titolare", "Office manager": "Responsabile amministrativo",
    "Procurement specialist": "Buyer", "HR manager": "Responsabile risorse umane",
    "Technical director": "Direttore tecnico",
    # notes people wrote on the way
    "Replied to the first contact": "Ha risposto al primo contatto",
    "Asked for information": "Ha chiesto informazioni",
    "Confirmed interest by phone": "Ha confermato l'interesse al telefono",
    "Downloaded the price list": "Ha scaricato il listino",
    "Attended the webinar": "Ha partecipato al webinar",
    "Opened three newsletters": "Ha aperto tre newsletter", "Asked for a quote": "Ha chiesto un preventivo",
    "Wants a call this week": "Vuole una telefonata questa settimana", "Budget approved": "Budget approvato",
    "Demo done, proposal sent": "Demo fatta, proposta inviata",
    "Quote under review": "Preventivo in valutazione",
    "Negotiating terms": "Trattativa sulle condizioni", "Order signed": "Ordine firmato",
    "Contract signed": "Contratto firmato", "First invoice paid": "Prima fattura pagata",
    "Moved abroad": "Trasferito all'estero", "Company closed": "Azienda chiusa",
    "Student project": "Progetto di uno studente", "Wrong sector for us": "Settore non adatto a noi",
    "Will reconsider next budget round": "Ci ripenserà con il prossimo budget",
    "Assigned": "Assegnato",
    "Talked to them: readiness differs from the stated time frame":
        "Sentiti al telefono: la prontezza è diversa dalla tempistica dichiarata",
}


def _it(value: Any) -> Any:
    return TEXT.get(value, value) if isinstance(value, str) else value


def localise_plan(plan: Any) -> Any:
    """Rewrite a built plan's English texts into Italian, in place (people and companies unchanged)."""
    from .demo_ids import ascii_slug

    for camp in plan.campaigns:
        camp["name"] = _it(camp["name"])
    for item in plan.legacy:
        account = item.get("account", item)
        account["industry"] = _it(account.get("industry"))
        for contact in item.get("contacts", []):
            contact["job_title"] = _it(contact.get("job_title"))
    for lead in plan.leads:
        for key in ("industry", "job_title", "disposition_note"):
            if key in lead.values:
                lead.values[key] = _it(lead.values[key])
        if lead.campaign:
            lead.campaign = _it(lead.campaign)
            if lead.values.get("utm_campaign"):
                lead.values["utm_campaign"] = ascii_slug(lead.campaign, "-")[:100]
        for step in lead.steps:
            step.reason = _it(step.reason)
    return plan
