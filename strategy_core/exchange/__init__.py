"""Files in and out: the Excel workbook (reader, importer, export) and the JSON document, backup and restore."""
