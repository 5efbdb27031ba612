"""Two-step sign-in (MFA): an authenticator app (TOTP, django-otp) and ten backup codes.

`rules` says who must use it and whether a session is verified recently enough; `services`
enrols, verifies, resets and audits; `step_up` asks for a fresh code before an action that
changes access; `staff.middleware.MfaMiddleware` keeps an unverified session on the MFA pages.
"""
