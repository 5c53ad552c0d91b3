"""An admin uploads a CSV that changes one phone and reads the change before applying it."""

from __future__ import annotations

import csv
import io
from typing import Any

from kiosk.resources import interchange, services
from tests.browser.conftest import assert_accessible, log_in, new_page
from tests.conftest import PASSWORD, LiveServer, make_live_staff
from tests.resources.conftest import make_service


def test_import_preview_shows_the_phone_change_then_applies(
    browser: Any, live_server: LiveServer, tmp_path: Any
) -> None:
    app = live_server.app
    make_live_staff(app)("boss", "admin")
    with app.app_context():
        make_service(name="Harbor Counseling", phone="+12025550100")
        rows = list(csv.DictReader(io.StringIO(interchange.export("csv").decode())))
    rows[0]["phone"] = "(202) 555-0199"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=interchange.CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    upload = tmp_path / "directory.csv"
    upload.write_text(out.getvalue(), encoding="utf-8")

    context, page, watch = new_page(browser, live_server.url)
    log_in(page, "boss", PASSWORD)
    page.goto("/staff/resources/import")
    page.get_by_label("File to import").set_input_files(str(upload))
    page.get_by_role("button", name="Preview import").click()
    page.get_by_role("heading", name="Services that will change").wait_for()
    change = page.get_by_text("Phone (call): +12025550100 → +12025550199")
    assert change.is_visible()
    assert page.get_by_role("heading", name="Harbor Counseling").is_visible()
    assert_accessible(page)
    with app.app_context():
        assert services.list_services()[0].phone == "+12025550100"  # a preview saves nothing
    page.get_by_role("button", name="Apply this import").click()
    page.wait_for_url("**/staff/resources")
    assert page.get_by_text("Imported: 1 services added or changed.").is_visible()
    with app.app_context():
        assert services.list_services()[0].phone == "+12025550199"
    context.close()
    watch.assert_clean()
