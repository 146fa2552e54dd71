"""The parts of case storage, each with one job; ``safetycheck.store.CaseStore`` joins them.

* ``folder``: where each kind of file lives in the data folder, and the one function
  every write goes through;
* ``casefile``: the case file format, read and written here and nowhere else;
* ``recovery``: finishing a save that was cut off, and setting damaged files aside;
* ``attachments``: files copied into a case's evidence log;
* ``reencrypt``: rewriting every file under a new key when the passphrase changes;
* ``errors``: what can go wrong, each in a sentence for the person using the app.
"""
