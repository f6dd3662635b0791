"""Stream health checks: liveness probes, picture checks with OpenCV, video quality diagnosis.

Nothing here imports Flask or the database: probes take plain values and return plain result
objects, so they can run in a worker on another machine.
"""
