"""The importer's and exporter's job types (collected by :func:`core.jobs.handlers`)."""
from core.importexport import export_files, runs

IMPORTEXPORT_JOB_HANDLERS = {
    runs.JOB_TYPE: runs.handle_job,
    export_files.JOB_TYPE: export_files.handle_job,
}
