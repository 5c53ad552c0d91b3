"""Demo directory: a clearly fictional town plus real national crisis lines to verify locally.

The local listings are invented ("Riverton", 555-01xx numbers reserved for fiction). The
national lines are real but change; each is flagged "verify locally" so staff check it first.
"""

from __future__ import annotations

from .categories import stable_id
from .hours import parse_exceptions, parse_weekly
from .services import ServiceInput

TOWN = "Riverton (fictional)"

# name, organization, categories, what it is for, hours, cost, languages
_LOCAL: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    ("Riverton Community Counseling", "Maple Street Wellness (demo)", "counseling",
     "Short-term counseling and therapy with licensed counselors; walk-in intake Tuesdays.",
     "Mon-Fri 09:00-17:00", "sliding", "en,es"),
    ("Evening Talk Therapy Clinic", "Maple Street Wellness (demo)", "counseling",
     "Therapy sessions after work hours for adults.", "Mon-Thu 17:00-21:00", "fee", "en"),
    ("Youth Counseling Drop-In", "Riverton Youth Center (demo)", "counseling",
     "Counseling for ages 13 to 24, no appointment needed.", "Tue,Thu 15:00-19:00", "free",
     "en,es,vi"),
    ("Family Counseling Program", "Harbor Family Services (demo)", "counseling",
     "Counseling for families and couples.", "", "sliding", "en,zh"),
    ("Warm Line (peer-run, overnight)", "Riverton Peer Network (demo)",
     "peer-support-group;crisis-line",
     "Talk to a trained peer when things feel heavy but it is not an emergency.",
     "Mon-Sun 22:00-06:00", "free", "en,es"),
    ("Tuesday Peer Support Circle", "Riverton Peer Network (demo)", "peer-support-group",
     "A peer-led support group for anyone living with anxiety or depression.",
     "Tue 18:00-19:30", "free", "en"),
    ("Grupo de Apoyo Mutuo", "Riverton Peer Network (demo)", "peer-support-group",
     "Grupo de apoyo entre pares en español.", "Wed 18:00-19:30", "free", "es"),
    ("Hearing Voices Group", "Riverton Peer Network (demo)", "peer-support-group",
     "Peer support for people who hear voices or have unusual experiences.",
     "Thu 14:00-15:30", "free", "en"),
    ("Family Peer Support Group", "NAMI-style Family Circle (demo)", "peer-support-group",
     "For family members supporting someone with mental illness.", "", "free", "en,es"),
    ("Riverton Mobile Crisis Team", "County Behavioral Health (demo)",
     "psychiatric-emergency;crisis-line",
     "A team that comes to you in a mental-health crisis.", "24/7", "free", "en,es"),
    ("Crisis Stabilization Unit", "County Behavioral Health (demo)", "psychiatric-emergency",
     "Short stays for people in a mental-health crisis.", "24/7", "free", "en,es,vi"),
    ("Eastside Food Pantry", "Riverton Food Network (demo)", "food-pantry",
     "Groceries once a week, no ID needed.", "Wed 10:00-14:00; Sat 09:00-12:00", "free",
     "en,es"),
    ("Westside Food Pantry", "Riverton Food Network (demo)", "food-pantry",
     "Fresh produce and pantry items.", "Mon,Thu 12:00-18:00", "free", "en,vi"),
    ("Temple Street Food Pantry", "Temple Street Congregation (demo)", "food-pantry",
     "Food pantry and diapers.", "", "free", "en"),
    ("Community Kitchen Lunch", "Riverton Food Network (demo)", "free-meals",
     "A hot lunch every weekday, everyone welcome.", "Mon-Fri 11:30-13:30", "free", "en,es"),
    ("Late Night Soup Kitchen", "St. Brigid's Kitchen (demo)", "free-meals",
     "Soup and sandwiches late in the evening.", "Fri,Sat 21:00-01:00", "free", "en"),
    ("Sunday Community Supper", "Temple Street Congregation (demo)", "free-meals",
     "A sit-down supper on Sundays.", "Sun 17:00-19:00", "free", "en,ar"),
    ("Riverton Night Shelter", "Harbor House (demo)", "emergency-shelter",
     "Beds overnight; check in by 21:00.", "Mon-Sun 19:00-07:00", "free", "en,es"),
    ("Women's Emergency Shelter", "Safe Harbor (demo)", "emergency-shelter;escape-violence",
     "Confidential shelter for women and children.", "24/7", "free", "en,es,ar"),
    ("Youth Overnight Shelter", "Riverton Youth Center (demo)", "emergency-shelter",
     "Overnight beds for ages 18 to 24.", "Mon-Sun 20:00-08:00", "free", "en"),
    ("Housing Help Desk", "Riverton Housing Coalition (demo)", "help-find-housing",
     "Help finding housing and applying for vouchers.", "Mon-Fri 09:00-16:00", "free",
     "en,es,zh"),
    ("Tenant Rights Clinic", "Riverton Legal Aid (demo)", "legal-aid;help-find-housing",
     "Advice for renters facing eviction.", "Wed 13:00-17:00", "free", "en,es"),
    ("Riverton Recovery Center", "Harbor Recovery (demo)", "addiction-recovery",
     "Outpatient addiction treatment and recovery support.", "Mon-Sat 08:00-20:00",
     "sliding", "en,es"),
    ("Evening Recovery Meeting", "Harbor Recovery (demo)", "addiction-recovery;peer-support-group",
     "A nightly recovery meeting.", "Mon-Sun 19:00-20:00", "free", "en"),
    ("Detox Intake Line", "Harbor Recovery (demo)", "addiction-recovery",
     "Call for same-day detox assessment.", "24/7", "fee", "en"),
    ("Riverton Free Clinic", "Riverton Health Partners (demo)", "medical-care",
     "Walk-in medical care for people without insurance.", "Tue,Thu 17:00-21:00", "free",
     "en,es,ht"),
    ("Community Health Center", "Riverton Health Partners (demo)", "medical-care",
     "Primary care and psychiatry appointments.", "Mon-Fri 08:00-18:00", "sliding",
     "en,es,vi,zh"),
    ("Dental Day", "Riverton Health Partners (demo)", "dental-care",
     "Free cleanings and extractions once a month.", "", "free", "en,es"),
    ("Sliding Scale Dental Office", "Bright Smile Co-op (demo)", "dental-care",
     "Dental care with fees based on income.", "Mon-Thu 09:00-17:00", "sliding", "en"),
    ("Clothing Closet", "Temple Street Congregation (demo)", "clothing",
     "Free clothes, coats and shoes.", "Sat 10:00-13:00", "free", "en,es"),
    ("Work Clothes Boutique", "Ready to Work (demo)", "clothing;help-find-work",
     "Interview clothes at no cost.", "Tue 10:00-15:00", "free", "en"),
    ("Ride to Care Program", "Riverton Transit Aid (demo)", "transportation",
     "Free rides to medical and counseling appointments.", "Mon-Fri 07:00-19:00", "free",
     "en,es"),
    ("Bus Pass Assistance", "Riverton Transit Aid (demo)", "transportation",
     "Reduced-fare bus passes.", "", "free", "en"),
    ("Benefits Enrollment Help", "Riverton Benefits Office (demo)", "government-benefits",
     "Help applying for food, health and disability benefits.", "Mon-Fri 09:00-17:00",
     "free", "en,es,ru"),
    ("Disability Benefits Advocates", "Riverton Legal Aid (demo)",
     "government-benefits;legal-aid", "Help with disability benefit applications and appeals.",
     "Mon,Wed 10:00-16:00", "free", "en"),
    ("Job Center", "Ready to Work (demo)", "help-find-work",
     "Job search help, resumes and interview practice.", "Mon-Fri 09:00-17:00", "free",
     "en,es,ko"),
    ("Supported Employment Program", "Maple Street Wellness (demo)", "help-find-work",
     "Job coaching for people with mental-health conditions.", "", "free", "en"),
    ("Riverton Legal Aid", "Riverton Legal Aid (demo)", "legal-aid",
     "Free legal advice for low-income residents.", "Mon-Thu 09:00-17:00", "free", "en,es"),
    ("Domestic Violence Advocates", "Safe Harbor (demo)", "escape-violence",
     "Safety planning, court advocacy and counseling.", "Mon-Fri 09:00-17:00", "free",
     "en,es,fr"),
    ("Grief Support Group", "Harbor Family Services (demo)", "bereavement;peer-support-group",
     "A group for people who have lost someone.", "Mon 18:30-20:00", "free", "en"),
    ("Suicide Loss Survivors Circle", "Harbor Family Services (demo)",
     "bereavement;peer-support-group", "Support after losing someone to suicide.",
     "Thu 19:00-20:30", "free", "en,es"),
    ("Senior Wellness Calls", "Riverton Senior Center (demo)", "counseling",
     "Friendly check-in calls and counseling referrals for older adults.",
     "Mon-Fri 10:00-15:00", "free", "en,zh,ko"),
)

# Real national lines by country. They change: every one is flagged "verify locally".
NATIONAL_LINES: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {
    "US": (
        ("988 Suicide & Crisis Lifeline", "988 Lifeline", "988", "988",
         "Call or text 988 any time, for yourself or someone you are worried about."),
        ("Crisis Text Line", "Crisis Text Line", "", "741741",
         "Text HOME to 741741 to reach a trained crisis counselor."),
        ("National Domestic Violence Hotline", "The Hotline", "+18007997233", "88788",
         "Call, or text START to 88788, for confidential support."),
        ("SAMHSA National Helpline", "SAMHSA", "+18006624357", "",
         "Free, confidential treatment referral and information, in English and Spanish."),
        ("The Trevor Project", "The Trevor Project", "+18664887386", "",
         "Crisis support for LGBTQ+ young people."),
    ),
    "CA": (
        ("9-8-8 Suicide Crisis Helpline", "9-8-8", "988", "988",
         "Call or text 9-8-8 any time."),
        ("Kids Help Phone", "Kids Help Phone", "+18006686868", "686868",
         "For young people: call, or text CONNECT to 686868."),
    ),
    "GB": (
        ("Samaritans", "Samaritans", "116123", "",
         "Call 116 123 free, any time, day or night."),
        ("Shout", "Shout", "", "85258", "Text SHOUT to 85258 for free, confidential support."),
    ),
}


def demo_rows(country: str) -> list[ServiceInput]:
    """The demo directory as service inputs (fixed ids, so running it twice updates)."""
    rows = []
    for number, (name, org, cats, about, hours, cost, langs) in enumerate(_LOCAL):
        exceptions = "2026-12-25 closed" if hours and number % 5 == 0 else ""
        rows.append(ServiceInput(
            uuid=stable_id("demo", str(number)), name=name, organization_name=org,
            organization_uuid=stable_id("demo-org", org), description=about,
            categories=cats.split(";"), phone=f"+1202555{100 + number:04d}",
            text_phone=f"+1202555{150 + number:04d}" if "crisis-line" in cats else "",
            website=f"https://example.org/demo/{number}", address=f"{100 + number} Main Street",
            city=TOWN, region="Demo State", postal_code="00000", country=country,
            weekly=parse_weekly(hours), exceptions=parse_exceptions(exceptions), cost=cost,
            languages=langs.split(","), crisis="crisis-line" in cats
            or "psychiatric-emergency" in cats,
            accessibility="Step-free entrance" if number % 3 == 0 else ""))
    for number, (name, org, phone, text, about) in enumerate(NATIONAL_LINES.get(country, ())):
        rows.append(ServiceInput(
            uuid=stable_id("national", country, str(number)), name=name,
            organization_name=org, organization_uuid=stable_id("national-org", country, org),
            description=about, categories=["crisis-line"], phone=phone, text_phone=text,
            weekly=parse_weekly("24/7"), cost="free", languages=["en", "es"]
            if country == "US" else ["en"], crisis=True, verify_locally=True, country=country))
    return rows
