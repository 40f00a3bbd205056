"""Tracking and monitoring (跟踪监测): the manager dashboard and the escort and helper homes."""
