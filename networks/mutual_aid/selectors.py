"""Reads of mutual-aid networks, their requests, offers and funds."""

from networks.models.mutual_aid import AidMember, AidOffer


def personal_data(user) -> dict:
    """What mutual aid holds about `user`, for their data download."""
    return {
        "mutual_aid_roles": [
            {"network": m.network.name, "role": m.role}
            for m in AidMember.objects.filter(user=user).select_related("network")
        ],
        "mutual_aid_offers": [
            {
                "network": o.network.name,
                "kind": o.kind,
                "description": o.description,
                "active": o.active,
            }
            for o in AidOffer.objects.filter(helper=user).select_related("network")
        ],
    }
