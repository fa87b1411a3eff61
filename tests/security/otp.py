"""Passing the second factor in tests: a confirmed TOTP device, and a session that used it."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def confirmed_device(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "test phone"})
    return device


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def pass_second_factor(client, user) -> TOTPDevice:
    """Log USER in on CLIENT with a session that has passed the second factor (as the verify page does).

    A later client.force_login(user) keeps it: Django keeps a session's data when the same user logs in.
    """
    device = confirmed_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
