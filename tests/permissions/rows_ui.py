"""The UI's rows of the permission matrix (tests/permissions/matrix.py). Statuses in ROLES order:
admin, manager (North), rep (rita, North), marketer, anonymous, revoked (a deactivated account)."""

from .matrix import LOGIN, Row

P = {"pk": "rep_lead"}
SP = {"pk": "south_lead"}
C = {"public_id": "chat"}

ROWS = [
    # core and accounts
    Row("GET", "healthz", (200, 200, 200, 200, 200, 200)),
    Row("GET", "login", (200, 200, 200, 200, 200, 200)),
    Row("POST", "logout", (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN), form=True),
    Row("POST", "set_language", (302, 302, 302, 302, 302, 302), body={"language": "it"}, form=True),
    Row("GET", "home", (302, 302, 302, 302, 302, 302)),
    Row("GET", "api:openapi-json", (200, 200, 200, 200, 200, 200)),
    Row("GET", "api:openapi-view", (200, 200, 200, 200, 200, 200)),
    Row("GET", "api:docs_asset", (200, 200, 200, 200, 200, 200), {"name": "asset"}),
    Row("GET", "api:api-root", (404, 404, 404, 404, 404, 404)),
    Row("GET", "accounts:profile", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("POST", "accounts:token_create", (201, 201, 201, 201, LOGIN, LOGIN),
        body={"name": "laptop"}, form=True),
    Row("POST", "accounts:token_revoke", (404, 404, 302, 404, LOGIN, LOGIN), {"pk": "token"}, form=True),
    # leads
    Row("GET", "leads:list", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "leads:create", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "leads:detail", (200, 200, 200, 200, LOGIN, LOGIN), P),
    Row("GET", "leads:detail", (200, 404, 404, 200, LOGIN, LOGIN), SP),
    Row("GET", "leads:edit", (200, 200, 200, 200, LOGIN, LOGIN), P),
    Row("GET", "leads:edit", (200, 404, 404, 200, LOGIN, LOGIN), SP),
    Row("POST", "leads:transition", (302, 302, 302, 302, LOGIN, LOGIN), P, body={"to": "lead"}, form=True),
    Row("POST", "leads:transition", (302, 404, 404, 302, LOGIN, LOGIN), SP, body={"to": "lead"}, form=True),
    Row("GET", "leads:timeline", (200, 200, 200, 200, LOGIN, LOGIN), P),
    Row("GET", "leads:unassigned", (200, 200, 403, 403, LOGIN, LOGIN)),
    Row("POST", "leads:assign", (302, 302, 302, 302, LOGIN, LOGIN), P, body={"owner": "me"}, form=True),
    Row("POST", "leads:assign", (302, 404, 404, 302, LOGIN, LOGIN), SP, body={"owner": "me"}, form=True),
    Row("GET", "leads:export", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("POST", "leads:bulk", (302, 302, 302, 302, LOGIN, LOGIN), form=True,
        body=lambda w: {"action": "transition", "to": "lead", "ids": w["rep_lead"].pk}),
    Row("POST", "leads:view_save", (302, 302, 302, 302, LOGIN, LOGIN), form=True,
        body={"name": "Mine", "query": "stage=lead"}),
    Row("POST", "leads:view_delete", (404, 404, 302, 404, LOGIN, LOGIN), {"pk": "saved_view"}, form=True),
    Row("GET", "leads:account_export", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "leads:contact_export", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "leads:account_list", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "leads:account_detail", (200, 200, 200, 200, LOGIN, LOGIN), {"pk": "account"}),
    Row("GET", "leads:account_detail", (200, 404, 404, 200, LOGIN, LOGIN), {"pk": "south_account"}),
    Row("GET", "leads:contact_list", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "leads:contact_detail", (200, 200, 200, 200, LOGIN, LOGIN), {"pk": "contact"}),
    # intake: review
    Row("GET", "intake:duplicates", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("POST", "intake:duplicate_merge", (302, 302, 302, 302, LOGIN, LOGIN), {"pk": "pair"}, form=True),
    Row("POST", "intake:duplicate_dismiss", (302, 302, 302, 302, LOGIN, LOGIN), {"pk": "pair"}, form=True),
    Row("GET", "intake:merge_detail", (200, 200, 200, 200, LOGIN, LOGIN), {"pk": "merge"}),
    Row("GET", "intake:lead_merges", (200, 200, 200, 200, LOGIN, LOGIN), P),
    # intake: imports (the job is the marketer's: a manager of another team does not see it)
    Row("GET", "intake:imports", (200, 200, 403, 200, LOGIN, LOGIN)),
    Row("GET", "intake:import_new", (200, 200, 403, 200, LOGIN, LOGIN)),
    Row("GET", "intake:import_detail", (200, 404, 403, 200, LOGIN, LOGIN), {"pk": "job"}),
    Row("POST", "intake:import_mapping", (302, 404, 403, 302, LOGIN, LOGIN), {"pk": "job"}, form=True),
    Row("POST", "intake:import_start", (302, 404, 403, 302, LOGIN, LOGIN), {"pk": "job"}, form=True),
    Row("POST", "intake:import_resume", (409, 404, 403, 409, LOGIN, LOGIN), {"pk": "job"}, form=True),
    Row("GET", "intake:import_progress", (200, 404, 403, 200, LOGIN, LOGIN), {"pk": "job"}),
    Row("GET", "intake:import_errors", (200, 404, 403, 200, LOGIN, LOGIN), {"pk": "job"}),
    # intake: capture (public, then staff)
    Row("GET", "intake:form_embed_js", (200, 200, 200, 200, 200, 200)),
    Row("GET", "intake:public_form", (200, 200, 200, 200, 200, 200), {"form_key": "form_key"}),
    Row("GET", "intake:chat_widget_js", (200, 200, 200, 200, 200, 200)),
    Row("POST", "intake:chat_start", (201, 201, 201, 201, 201, 201),
        body={"page_url": "https://www.example.com/"}),
    Row("GET", "intake:chat_messages", (200, 200, 200, 200, 200, 200), C),
    Row("GET", "intake:form_list", (200, 200, 403, 200, LOGIN, LOGIN)),
    Row("GET", "intake:form_create", (200, 200, 403, 200, LOGIN, LOGIN)),
    Row("GET", "intake:form_edit", (200, 200, 403, 200, LOGIN, LOGIN), {"pk": "form"}),
    Row("GET", "intake:chat_list", (200, 200, 200, 200, LOGIN, LOGIN)),
    Row("GET", "intake:chat_detail", (200, 200, 200, 200, LOGIN, LOGIN), C),
    Row("POST", "intake:chat_take_over", (302, 302, 302, 403, LOGIN, LOGIN), C, form=True),
    Row("POST", "intake:chat_send", (409, 409, 409, 403, LOGIN, LOGIN), C, body={"text": "Hello"}, form=True),
    Row("POST", "intake:chat_close", (302, 302, 302, 403, LOGIN, LOGIN), C, form=True),
    Row("POST", "intake:chat_lead", (422, 422, 422, 403, LOGIN, LOGIN), C, form=True),
    Row("GET", "intake:chat_lead", (200, 200, 200, 403, LOGIN, LOGIN), C),
]
