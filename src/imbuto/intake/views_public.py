"""The public web form at /f/<key> (standalone page, iframe, JSON for the embed script) and the staff
pages that configure forms and show their embed snippets. Thin adapters over capture/*."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csp import get_nonce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.csp import CSP, build_policy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from imbuto.core.errors import DomainError, PermissionDenied
from imbuto.core.htmx import render_error

from .capture import cors, selectors, services, spam
from .capture import forms as public_forms
from .capture.staff_forms import WebFormForm
from .models import WebForm

log = logging.getLogger(__name__)

TOKEN_MESSAGES = {
    "missing": gettext_lazy("Please check your details and press Send again to confirm."),
    "too_fast": gettext_lazy("That was quick! Please check your details and press Send again."),
    "expired": gettext_lazy("This page was open for a long time. Please press Send again."),
    "invalid": gettext_lazy("This page was open for a long time. Please press Send again."),
}


def serve_script(name: str) -> HttpResponse:
    """Our own widget scripts at stable URLs (not hashed static names), so pasted snippets keep
    working across upgrades."""
    path = finders.find(f"imbuto/widget/{name}")
    if not path:
        raise Http404
    with open(path, "rb") as fh:
        response = HttpResponse(fh.read(), content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def embed_script(request: HttpRequest) -> HttpResponse:
    return serve_script("form.js")


def _language(request: HttpRequest, data: dict[str, Any] | None = None) -> str:
    asked = (request.GET.get("lang") or (data or {}).get("lang") or "")
    if not isinstance(asked, str) or not asked:
        asked = translation.get_language_from_request(request)
    return "it" if asked.lower().startswith("it") else "en"


def _error_json(status: int, code: str, message: str, fields: dict | None = None,
                **extra: Any) -> JsonResponse:
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}, **extra}
    return JsonResponse(body, status=status)


def _form_context(request: HttpRequest, webform: WebForm, lang: str, data: dict[str, Any],
                  errors: dict[str, list[str]]) -> dict[str, Any]:
    rows = [{"field": ff, "value": str(data.get(ff.name) or ""), "errors": errors.get(ff.name, [])}
            for ff in public_forms.form_fields(webform.fields)]
    meta = {k: str(data.get(k) or request.GET.get(k) or "")[:500] for k in public_forms.META_FIELDS}
    if not meta["page_url"] and request.method == "GET":
        meta["page_url"] = request.headers.get("Referer", "")[:500]
    return {
        "webform": webform, "rows": rows, "lang": lang, "errors": errors,
        "general_errors": errors.get("__all__", []), "consent_errors": errors.get("consent", []),
        "consent_text": public_forms.consent_text(webform), "consent_checked": bool(data.get("consent")),
        "token": spam.issue_token(webform.key), "token_field": spam.TOKEN_FIELD,
        "honeypot": spam.HONEYPOT_FIELD, "meta": meta, "embed": request.GET.get("embed") == "1",
        "action": reverse("intake:public_form", args=[webform.key])
        + ("?embed=1" if request.GET.get("embed") == "1" else ""),
    }


def _schema(request: HttpRequest, webform: WebForm, lang: str) -> dict[str, Any]:
    """What the embed script needs to draw the form itself."""
    return {
        "key": webform.key, "name": webform.name, "language": lang,
        "action": request.build_absolute_uri(reverse("intake:public_form", args=[webform.key])),
        "fields": [{"name": ff.name, "label": ff.label, "type": ff.spec.type, "required": ff.required,
                    "max_length": ff.spec.max_length, "autocomplete": ff.spec.autocomplete,
                    "choices": [[v, str(label)] for v, label in ff.spec.choices]}
                   for ff in public_forms.form_fields(webform.fields)],
        "consent_text": public_forms.consent_text(webform),
        "token": spam.issue_token(webform.key), "token_field": spam.TOKEN_FIELD,
        "honeypot_field": spam.HONEYPOT_FIELD, "thank_you_url": webform.thank_you_url,
        "texts": {"submit": _("Send"), "sending": _("Sending…"), "required": _("required"),
                  "thanks": _("Thank you! We have received your request and will be in touch soon."),
                  "error": _("Something went wrong. Please try again."),
                  "rate_limited": _("Too many requests. Please try again later.")},
    }


def _rerender(request: HttpRequest, webform: WebForm, lang: str, data: dict[str, Any],
              errors: dict[str, list[str]], code: str = "validation_error",
              token: str | None = None) -> HttpResponse:
    """The form again with messages. A still-good token is handed back unchanged, so fixing a typo
    does not restart the fill-time clock; a missing or stale one is replaced."""
    token = token or spam.issue_token(webform.key)
    if public_forms.wants_json(request):
        first = next(iter(errors.values()))[0] if errors else _("Please check the form.")
        return _error_json(422, code, first, errors, token=token)
    context = _form_context(request, webform, lang, data, errors)
    context["token"] = token
    return render(request, "intake/capture/public_form.html", context, status=422)


def _success(request: HttpRequest, webform: WebForm, lang: str) -> HttpResponse:
    if public_forms.wants_json(request):
        return JsonResponse({"ok": True})
    if webform.thank_you_url:
        return redirect(webform.thank_you_url)
    return render(request, "intake/capture/public_thanks.html",
                  {"webform": webform, "lang": lang, "embed": request.GET.get("embed") == "1"})


def _submit(request: HttpRequest, webform: WebForm) -> HttpResponse:
    if int(request.META.get("CONTENT_LENGTH") or 0) > public_forms.MAX_BODY_BYTES:
        return _error_json(413, "too_large", _("The form is too large."))
    try:
        data = public_forms.submitted_data(request)
    except (ValueError, UnicodeDecodeError):
        return _error_json(400, "bad_request", _("The form data could not be read."))
    lang = _language(request, data)
    translation.activate(lang)
    ident = spam.ip_hash(spam.client_ip(request))
    allowed, retry = spam.hit_all([
        spam.Limit("form-ip", f"{webform.key}:{ident}", webform.rate_limit_per_ip, 3600),
        spam.Limit("form", webform.key, webform.rate_limit_per_form, 3600),
    ])
    if not allowed:
        message = _("Too many requests. Please try again later.")
        if public_forms.wants_json(request):
            response = _error_json(429, "rate_limited", message)
        else:
            response = render(request, "intake/capture/public_message.html",
                              {"lang": lang, "message": message, "webform": webform}, status=429)
        response["Retry-After"] = str(retry)
        return response
    if spam.honeypot_filled(data):
        log.info("form %s: honeypot filled, submission dropped", webform.key)
        return _success(request, webform, lang)
    token = str(data.get(spam.TOKEN_FIELD) or "")
    problem = spam.check_token(token, webform.key, webform.min_fill_seconds)
    if problem:
        return _rerender(request, webform, lang, data, {"__all__": [str(TOKEN_MESSAGES[problem])]},
                         code=problem if problem == "too_fast" else "confirm",
                         token=token if problem == "too_fast" else None)
    submission = public_forms.clean_submission(webform, data, language=lang)
    if submission.errors:
        return _rerender(request, webform, lang, data, submission.errors, token=token)
    result = services.form_submit(webform=webform, submission=submission)
    if not result.ok:
        return _rerender(request, webform, lang, data, result.errors or {
            "__all__": [_("Please check the form.")]}, token=token)
    return _success(request, webform, lang)


def _refused_site(request: HttpRequest, origins: list[str]) -> str | None:
    """The site about to show this form without being on its list: the embed script's Origin, or the
    framing page (a browser's `Sec-Fetch-Dest: iframe` request names it in its Referer). Without
    either, nothing is known and the Content-Security-Policy alone keeps the form out of a frame."""
    if public_forms.wants_json(request):
        return cors.refused_origin(request, origins)
    if request.headers.get("Sec-Fetch-Dest") != "iframe" or "*" in origins:
        return None
    site = cors.normalise_origin(request.headers.get("Referer", ""))
    if not site or site in origins or urlsplit(site).netloc == request.get_host().lower():
        return None
    return site


def _refusal(request: HttpRequest, webform: WebForm, site: str) -> HttpResponse:
    """403 the refused site can show: JSON its script reads (Origin echoed on this answer only), or a
    page any frame may show, since it holds no form to trick anyone into sending."""
    message = _("This form may not be shown on %(site)s. An Imbuto admin or marketer can add the site "
                "to the form's allowed sites.") % {"site": site[:200]}
    if public_forms.wants_json(request):
        return cors.apply(_error_json(403, "origin_not_allowed", message), site)
    response = render(request, "intake/capture/public_message.html",
                      {"message": message, "lang": _language(request), "webform": webform}, status=403)
    response["Content-Security-Policy"] = build_policy(
        {**settings.SECURE_CSP, "frame-ancestors": ["*"]}, get_nonce(request))
    response["Cache-Control"] = "no-store"
    return response


def _public_csp(request: HttpRequest, origins: list[str]) -> str:
    """The strict policy of every page, except that the sites listed on the form may frame it and
    the form may send the visitor on to its thank-you page elsewhere (no form-action)."""
    config = {key: value for key, value in settings.SECURE_CSP.items() if key != "form-action"}
    config["frame-ancestors"] = ["*"] if "*" in origins else [CSP.SELF, *origins]
    return build_policy(config, get_nonce(request))


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "HEAD", "POST", "OPTIONS"])
def public_form(request: HttpRequest, form_key: str) -> HttpResponse:
    """GET: the form (HTML, or JSON for the embed script); POST: a submission; OPTIONS: CORS."""
    webform = selectors.public_webform(form_key)
    if webform is None:
        if public_forms.wants_json(request):
            return _error_json(404, "not_found", _("No such form."))
        return render(request, "intake/capture/public_message.html",
                      {"message": _("This form does not exist or is no longer active."), "lang": "en"},
                      status=404)
    origins = cors.parse_origins(webform.allowed_origins)
    if request.method == "OPTIONS":
        return cors.preflight(request, origins, methods="GET, POST, OPTIONS")
    with translation.override(_language(request)):
        if request.method in ("GET", "HEAD") and (refused := _refused_site(request, origins)):
            return _refusal(request, webform, refused)
        if request.method == "POST":
            response = _submit(request, webform)
        elif public_forms.wants_json(request):
            response = JsonResponse(_schema(request, webform, _language(request)))
        else:
            response = render(request, "intake/capture/public_form.html",
                              _form_context(request, webform, _language(request), {}, {}))
    response["Content-Security-Policy"] = _public_csp(request, origins)
    response["Cache-Control"] = "no-store"
    return cors.apply(response, cors.allowed_origin(request, origins))


# --- staff pages -----------------------------------------------------------------------------

def _snippets(request: HttpRequest, webform: WebForm) -> dict[str, str]:
    form_url = request.build_absolute_uri(reverse("intake:public_form", args=[webform.key]))
    script_url = request.build_absolute_uri(reverse("intake:form_embed_js"))
    return {"form_url": form_url, "script_url": script_url,
            "fields": public_forms.form_fields(webform.fields),
            "consent_text": public_forms.consent_text(webform), "honeypot": spam.HONEYPOT_FIELD}


@login_required
def form_list(request: HttpRequest) -> HttpResponse:
    if not services.may_manage_forms(request.user):
        return render_error(request, status=403, message=_("Only admins, managers and marketers "
                                                           "manage web forms."))
    return render(request, "intake/capture/form_list.html", {"forms": selectors.webforms(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def form_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    try:
        # The role first, as /forms/ does: a rep gets the same 403 for /forms/<id>/, not a 404.
        if not services.may_manage_forms(request.user):
            raise PermissionDenied(_("Only admins, managers and marketers manage web forms."))
        webform = selectors.webform(request.user, pk) if pk else None
    except DomainError as exc:
        return render_error(request, exc, status=exc.status)
    form = WebFormForm(request.POST or None, instance=webform, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.webform_save(actor=request.user, data=form.to_data(), form=webform)
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, _("Form saved."))
            return redirect("intake:form_edit", pk=saved.pk)
    context = {"form": form, "webform": webform,
               "snippet": _snippets(request, webform) if webform else None}
    return render(request, "intake/capture/form_edit.html", context,
                  status=422 if request.method == "POST" else 200)
