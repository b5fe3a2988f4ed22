"""Real protocol peers for the test suite (OpenID provider, SAML IdP, LRS, SMTP, SCIM checker).

Never imported by the application: only tests use it. `make peers` installs what the peers need;
peers/README.md says how each is started and used.
"""
