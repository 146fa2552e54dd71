"""The evidence log: kept so that it holds up (issue 16).

``log`` holds the records and what people see of them, ``check`` proves the log and
its files are as recorded, ``capture`` reads what a file says about itself.
"""
