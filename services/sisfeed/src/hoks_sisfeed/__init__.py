"""SIS feed gateway: converts the national formats (eHOKS, Koski) and the demo institution into
the platform's inbound SIS events. Personal identity codes and names stop here."""
