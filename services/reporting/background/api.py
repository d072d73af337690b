from services.reporting.background.service import jobs
from shared.spreadsheets import XLSX

router = jobs.router(result_types=[XLSX])
