"""A whole МФЦ day through the queue core with a fake clock: ``talon-server simulate``.

    from queue_server.simulator import simulate, scale_office, compute_metrics
    result = simulate(scale_office(office, 55), seed=7, visitors=3000, day=date(2026, 3, 5))
    result.metrics["wait_p90_s"], result.events
"""

from .metrics import compute_metrics, percentile, wait_seconds
from .office import assign_services, demand_mix, scale_office, staff
from .sim import SimParams, SimulationResult, simulate

__all__ = [
    "SimParams", "SimulationResult", "assign_services", "compute_metrics", "demand_mix", "percentile",
    "scale_office", "simulate", "staff", "wait_seconds",
]
