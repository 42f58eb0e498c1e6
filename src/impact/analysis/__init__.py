"""Analyses of linked survey data: outcomes, RCT effects, attrition, power, timing, matching."""
