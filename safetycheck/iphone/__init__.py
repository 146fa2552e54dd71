"""The iPhone scan: read an iPhone over USB (read-only) and turn what it says into leads.

``wire`` frames messages and bounds every wait, ``usbmux`` talks to the computer's USB
helper (usbmuxd / Apple Mobile Device Service), ``lockdown`` to the phone's lockdown service,
``pairing`` makes and keeps the "Trust This Computer" record, ``services`` asks the three
read-only services, ``provisioning`` reads signed provisioning profiles, ``parse`` turns
answers into records, ``collect`` gathers one reading and ``scan`` turns it into leads.
"""
