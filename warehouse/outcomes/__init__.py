"""Outcomes: release registry, capability scores, measured lags and claim resolution (pure Python + SQL).

No Prefect imports here: flows/ wraps these functions.
"""
