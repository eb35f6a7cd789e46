from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "imbuto.leads"
    label = "leads"
    verbose_name = "Leads"
