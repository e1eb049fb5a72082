"""Reads of rapid-response networks, their people, reports and alerts."""

from networks.models.rapid_response import Alert, NetworkMember, OnCall, Training


def personal_data(user) -> dict:
    """What rapid response holds about `user`, for their data download."""
    return {
        "network_roles": [
            {"network": m.network.name, "role": m.role}
            for m in NetworkMember.objects.filter(user=user).select_related("network")
        ],
        "trainings": [
            {
                "network": t.network.name,
                "training": t.kind,
                "completed_on": t.completed_on.isoformat(),
            }
            for t in Training.objects.filter(user=user).select_related("network")
        ],
        "on_call": [
            {
                "network": o.slot.network.name,
                "starts_at": o.slot.starts_at.isoformat(),
                "ends_at": o.slot.ends_at.isoformat(),
            }
            for o in OnCall.objects.filter(user=user).select_related("slot__network")
        ],
        "alerts": [
            {
                "network": a.report.network.name,
                "sent_at": a.created_at.isoformat(),
                "answer": a.answer,
            }
            for a in Alert.objects.filter(responder=user).select_related(
                "report__network"
            )
        ],
    }
