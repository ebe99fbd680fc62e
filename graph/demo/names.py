"""The fictional side of the demo tenant: the organisation, people, vendors, places, IPs.

All organisations are Microsoft's usual fictional ones; tenant ids of vendors are made up.
IP addresses of people and attackers come from the documentation ranges (RFC 5737); the
egress addresses of Azure workloads look like Azure's public ranges.
"""

from __future__ import annotations

from typing import NamedTuple

TENANT_ID = "4f1c8a52-7d3e-4b6a-9e21-c0d5a7b3e918"
ORG_NAME = "Contoso Demo"
DOMAIN = "contoso.com"
INITIAL_DOMAIN = "contosodemo.onmicrosoft.com"
GITHUB_ORG = "contoso"  # the tenant's own GitHub organisation (config: trusted_github_orgs)
TENANT_CREATED = "2016-03-14T10:22:41Z"

FIRST_NAMES = (
    "Adele", "Alex", "Allan", "Bianca", "Christie", "Debra", "Diego", "Emily", "Enrico",
    "Grady", "Henrietta", "Irvin", "Isaiah", "Johanna", "Joni", "Lee", "Lidia", "Lynne",
    "Megan", "Miriam", "Nestor", "Patti", "Pradeep", "Raul", "Sanne", "Yuki", "Zrinka",
    "Amara", "Bjorn", "Chen", "Dara", "Farah", "Gustavo", "Hana", "Ivo", "Kenji", "Leila",
    "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Ulla", "Wen",
)
LAST_NAMES = (
    "Vance", "Wilber", "Jones", "Cline", "Berg", "Siciliani", "Gray", "Lambert", "Wilkins",
    "McKay", "Gonzalez", "Pine", "Sherman", "Bowen", "Johnson", "Adams", "Fernandez", "Patel",
    "Kovac", "Okafor", "Jansen", "Tanaka", "Novak", "Haddad", "Lindqvist", "Moreau", "Silva",
    "Nakamura", "Osei", "Petrov", "Rossi", "Schmidt", "Dubois", "Kowalski", "Larsen", "Mehta",
)
JOB_TITLES = ("Developer", "Senior Developer", "DevOps Engineer", "Data Engineer",
              "Product Owner", "Solution Architect", "IT Specialist", "Analyst")

# Internal systems and what apps around them do; combined into app names.
SYSTEMS = (
    "Payroll", "HR Portal", "Finance Reporting", "Invoice", "CRM Sync", "Customer Portal",
    "Order Service", "Inventory", "Warehouse", "Billing", "Expense", "Procurement", "Intranet",
    "Ticketing", "Asset Tracker", "Contract Vault", "Learning Hub", "Timesheet", "Data Lake",
    "Marketing Site", "Partner API", "Shipping", "Quality Control", "Field Service",
    "Identity Sync", "Backup", "Monitoring", "SIEM Export", "Document Archive", "Travel",
)
PURPOSES = ("API", "Sync", "Connector", "Automation", "Reporting", "Web", "Worker",
            "Integration", "Export", "Scheduler", "Gateway", "Bot")
ENVIRONMENTS = ("prod", "prod", "prod", "test", "dev", "acc")
REPOS = ("web", "api", "infra", "platform", "payments", "data-pipelines", "mobile",
         "identity", "reporting", "tools", "sdk", "portal")


class Vendor(NamedTuple):
    name: str
    tenant_id: str
    domain: str
    products: tuple[str, ...]
    verified: bool


VENDORS: tuple[Vendor, ...] = (
    Vendor("Fabrikam, Inc.", "8e2b7d14-3c6f-4a91-b5e0-9d4f2a61c7b3", "fabrikam.com",
           ("HR Sync", "Payroll Cloud", "Talent"), True),
    Vendor("Northwind Traders", "1a9c4e6b-52d7-4f08-8b3a-e6c1d2f7a495", "northwindtraders.com",
           ("Expense", "Orders", "Supplier Portal"), True),
    Vendor("Adatum Corporation", "b64f0e21-9d3a-4c75-a812-5e7c3b9d0f16", "adatum.com",
           ("Backup for Microsoft 365", "Archive", "eDiscovery"), True),
    Vendor("Litware, Inc.", "d37a5c92-1e4b-4f6d-9a08-2c5e7b1f3d84", "litware.com",
           ("Identity Sync", "Directory Insights", "Access Review"), False),
    Vendor("Woodgrove Bank", "5c8e1f37-a24d-49b0-b6e3-7f1a9d2c4e60", "woodgrovebank.com",
           ("Payments", "Treasury Connect"), True),
    Vendor("Tailspin Toys", "e91d3b58-6f2a-4c47-8d15-b0a3e7c9f2d1", "tailspintoys.com",
           ("Marketing", "Surveys"), False),
    Vendor("Proseware, Inc.", "2f6b9d04-8c1e-4a73-b5d2-1e9f4c7a0b38", "proseware.com",
           ("Docs", "Signatures", "Forms"), True),
    Vendor("Wide World Importers", "7d4a2e96-0b5c-4f18-a3e7-c6d1f9b2e045", "wideworldimporters.com",
           ("Logistics", "Customs"), False),
    Vendor("Alpine Ski House", "c05e8b13-4d7f-4a29-9e61-3b8c2d5f7a90", "alpineskihouse.com",
           ("Booking",), False),
    Vendor("Relecloud", "3b7f1c58-e94a-4d20-8c6b-a5f2e0d9c317", "relecloud.com",
           ("Monitoring", "Cost Insights", "Security Posture"), True),
    Vendor("Trey Research", "9a2c6e0f-7b31-4d58-b4e9-1f8d3c5a6b72", "treyresearch.net",
           ("Analytics", "Lab Notebook"), False),
    Vendor("Lucerne Publishing", "6e0d4a81-2c9f-4b37-a516-d8b7e3f1c924", "lucernepublishing.com",
           ("Newsletter",), False),
)

# Azure: subscriptions, regions, and the resource types that carry managed identities.
SUBSCRIPTIONS = (
    "0b6c4f2e-9a1d-4e38-b7c5-3f8e2d1a6c94",
    "5a3e7d91-2c4b-4f60-8e1a-b9d7c3f5e208",
    "c8f1a6d3-7e2b-4095-a4c8-1d6e9b3f7a52",
    "e2d9b4c7-1f3a-4e86-9b05-6a8c2f4d1e73",
)
REGIONS = ("westeurope", "northeurope", "eastus2", "swedencentral")
SYSTEM_ASSIGNED_TYPES = (  # (provider/type, name prefix)
    ("Microsoft.Compute/virtualMachines", "vm"),
    ("Microsoft.Web/sites", "app"),
    ("Microsoft.Web/sites", "func"),
    ("Microsoft.Logic/workflows", "logic"),
    ("Microsoft.Automation/automationAccounts", "aa"),
    ("Microsoft.DataFactory/factories", "adf"),
    ("Microsoft.ContainerService/managedClusters", "aks"),
)

# Sign-in sources. Azure egress addresses for workloads, the office NAT shared by many,
# and documentation-range addresses for the unusual ones.
AZURE_EGRESS = ("20.61.14.{}", "20.105.92.{}", "40.74.28.{}", "52.174.33.{}", "51.124.70.{}",
                "20.50.2.{}", "4.175.80.{}", "13.69.109.{}")
OFFICE_NAT = "198.51.100.10"  # one address seen for many identities (on-premises jobs)
SUSPICIOUS_IP = "203.0.113.77"  # seen for the first time, on the Midnight Blizzard app
ATTACKER_IPS = ("203.0.113.189", "192.0.2.211")
LOCATIONS = {  # IP prefix -> (city, state, country, latitude, longitude)
    "20.61.": ("Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041),
    "20.105.": ("Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041),
    "40.74.": ("Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041),
    "52.174.": ("Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041),
    "51.124.": ("Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041),
    "20.50.": ("Dublin", "Dublin", "IE", 53.3498, -6.2603),
    "4.175.": ("Dublin", "Dublin", "IE", 53.3498, -6.2603),
    "13.69.": ("Dublin", "Dublin", "IE", 53.3498, -6.2603),
    "198.51.100.": ("Utrecht", "Utrecht", "NL", 52.0907, 5.1214),
    "203.0.113.": ("Bucharest", "Bucuresti", "RO", 44.4268, 26.1025),
    "192.0.2.": ("Singapore", "Singapore", "SG", 1.3521, 103.8198),
}
