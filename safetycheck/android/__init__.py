"""The Android phone scan: find adb, read the phone (read-only), match known stalkerware.

``adb`` runs the tool, ``parse`` reads its output, ``collect`` gathers a reading,
``indicators`` loads and stores Echap's lists, ``apkcert`` reads app signatures and
``scan`` turns a reading into leads and records them in a case.
"""
