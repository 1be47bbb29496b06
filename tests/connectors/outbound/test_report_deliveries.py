"""The report's deliveries block: shown only when an email of the run did not go out."""

from __future__ import annotations

from dunwell.connectors.outbound.report import ReportInputs, build_report
from tests.connectors.outbound.test_report import _fields, _inputs


def test_deliveries_that_did_not_complete_are_listed_per_stage(tmp_path):
    deliveries = {"friendly": {"sent": 7, "failed": 2, "planned": 3},
                  "firm": {"sent": 1, "bounced": 1, "unknown": 1}}
    inputs = ReportInputs(**{**_fields(_inputs(tmp_path)), "deliveries": deliveries})
    report = build_report(inputs, tmp_path)
    assert ("Friendly: 7 sent, 2 failed (retried next run), 0 bounced, 0 unknown (check the "
            "mail log), 3 not sent yet") in report.text
    assert "Firm: 1 sent, 0 failed (retried next run), 1 bounced, 1 unknown" in report.text
    assert "Deliveries not completed" in report.email_html
    assert "Unknown (check the mail log)" in report.html_path.read_text(encoding="utf-8")


def test_a_run_whose_emails_all_went_out_shows_no_deliveries_block(tmp_path):
    inputs = ReportInputs(**{**_fields(_inputs(tmp_path)),
                             "deliveries": {"friendly": {"sent": 4}}})
    report = build_report(inputs, tmp_path)
    assert "Deliveries not completed" not in report.text + report.email_html
