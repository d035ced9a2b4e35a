"""Import and export of records: xlsx, csv and formats plugins add (vCard).

* :mod:`readers` - files to header + rows (limits, encodings, zip bombs);
* :mod:`mapping` - headers to fields (ko/zh/en labels), saved mappings;
* :mod:`convert` - cells to input values (picklist labels, references by name);
* :mod:`bulk` - the bulk write path with records.create's rules;
* :mod:`service` - one import run: duplicates, row results;
* :mod:`runs` - start / run / dry run / the ``core.import`` job;
* :mod:`undo` - undo an import;
* :mod:`export`, :mod:`export_files` - exports, streamed or as the ``core.export`` job.
"""
