"""DeepXDE geometries of every kind the samplers must handle, for the tests."""

import deepxde as dde


def make_geometries():
    """Return a dict name -> geometry covering each DeepXDE geometry kind."""
    interval = dde.geometry.Interval(-1, 1)
    rectangle = dde.geometry.Rectangle([0, 0], [2, 1])
    disk = dde.geometry.Disk([0.5, -0.5], 0.75)
    polygon = dde.geometry.Polygon([[0, 0], [1, 0], [1, 1], [0.5, 2], [0, 1]])
    time = dde.geometry.TimeDomain(0.25, 1.5)
    return {
        "interval": interval,
        "rectangle": rectangle,
        "disk": disk,
        "polygon": polygon,
        "csg_difference": rectangle - dde.geometry.Disk([1, 0.5], 0.4),
        "csg_union": disk | dde.geometry.Rectangle([0, 0], [1.5, 0.5]),
        "csg_intersection": rectangle & dde.geometry.Disk([0, 0], 1.2),
        "cuboid": dde.geometry.Cuboid([0, 0, 0], [1, 2, 0.5]),
        "interval_x_time": dde.geometry.GeometryXTime(interval, time),
        "disk_x_time": dde.geometry.GeometryXTime(disk, time),
        "csg_x_time": dde.geometry.GeometryXTime(rectangle - dde.geometry.Disk([1, 0.5], 0.4), time),
    }


def is_inside(geometry, points):
    """Independent membership check through DeepXDE's own ``inside``."""
    if isinstance(geometry, dde.geometry.GeometryXTime):
        time = points[:, -1]
        t0, t1 = geometry.timedomain.t0, geometry.timedomain.t1
        return geometry.geometry.inside(points[:, :-1]) & (time >= t0) & (time <= t1)
    return geometry.inside(points)
