"""Model versions learned from the company's closed leads, and each lead's latest prediction."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    """One trained predictive model: what it learned from, its cross-validated quality, and the
    fitted pipeline (joblib bytes). The newest version is the one that predicts."""

    trained_at = models.DateTimeField(_("trained at"))
    n_won = models.PositiveIntegerField(_("won"))
    n_lost = models.PositiveIntegerField(_("lost"))
    roc_auc = models.FloatField(_("ROC AUC"))
    pr_auc = models.FloatField(_("PR AUC"))
    brier = models.FloatField(_("Brier score"))
    folds = models.PositiveSmallIntegerField(default=5)
    estimator = models.CharField(max_length=20)  # learn.Model kind: linear | boosting
    features = models.JSONField(default=dict)  # {"numeric": [...], "categorical": [...]}
    fingerprint = models.CharField(max_length=64, db_index=True)  # of the outcomes learned from
    seconds = models.FloatField(default=0)  # training time, cross-validation included
    pipeline = models.BinaryField()

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = _("model version")

    def __str__(self) -> str:
        return f"v{self.pk}"


class LeadPrediction(models.Model):
    """The latest probability that a lead becomes a customer, with the factors raising and lowering
    it (codes with parameters: `{"feature", "value", "delta"}`, rendered in the reader's language)."""

    lead = models.OneToOneField("leads.Lead", on_delete=models.CASCADE, related_name="prediction")
    version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="predictions")
    probability = models.FloatField()
    factors_up = models.JSONField(default=list)
    factors_down = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["probability"])]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.probability:.2f}"
