"""One patient's pelvis: body fat, muscles, bones, bladder, rectum, seminal vesicles, prostate zones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from medsynth_pipeline.cohort.phantom import Ellipsoid, Structure, Texture, TissueProps
from medsynth_pipeline.cohort.spec import AnatomySpec, TissueSpec


def rotation_about(axis: str, degrees: float) -> tuple[float, ...]:
    """Row-major rotation matrix about the x, y or z axis."""
    c, s = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    m = {
        "x": [[1, 0, 0], [0, c, -s], [0, s, c]],
        "y": [[c, 0, s], [0, 1, 0], [-s, 0, c]],
        "z": [[c, -s, 0], [s, c, 0], [0, 0, 1]],
    }[axis]
    return tuple(float(v) for v in np.asarray(m).ravel())


def random_rotation(rng: np.random.Generator) -> tuple[float, ...]:
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q *= np.sign(np.diag(r))
    if np.linalg.det(q) < 0:
        q[:, 0] *= -1
    return tuple(float(v) for v in q.ravel())


def draw_tissue(spec: TissueSpec, rng: np.random.Generator) -> TissueProps:
    """This patient's values of a tissue, each uniform in its range."""

    def u(r: tuple[float, float]) -> float:
        return float(rng.uniform(r[0], r[1]))

    return TissueProps(
        u(spec.pd), u(spec.t1_ms), u(spec.t2_ms), u(spec.adc), u(spec.ktrans), u(spec.dwi_pd), spec.texture
    )


@dataclass(frozen=True)
class Anatomy:
    """The structures in paint order and the prostate zones needed to place lesions."""

    prostate_centre: tuple[float, float, float]
    structures: tuple[Structure, ...]
    prostate: Ellipsoid
    tz: Ellipsoid
    afms: Ellipsoid
    zone_tissues: dict[str, TissueProps]

    def zone_of(self, point: np.ndarray) -> str | None:
        """ProstateX zone (PZ, TZ, AS) of a point, or None outside the prostate."""
        if self.prostate.normalised_radius(point) > 1.0:
            return None
        if self.afms.normalised_radius(point) <= 1.0:
            return "AS"
        if self.tz.normalised_radius(point) <= 1.0:
            return "TZ"
        return "PZ"


def sample_anatomy(spec: AnatomySpec, rng: np.random.Generator) -> Anatomy:
    """Draw one pelvis. Sizes and tissue values vary per patient within the spec's ranges."""
    u = rng.uniform
    c = np.array([round(float(u(*r)), 2) for r in spec.prostate_centre_mm])
    pa = np.array([u(*r) for r in spec.prostate_semi_axes_mm])
    tissues = {name: draw_tissue(t, rng) for name, t in spec.tissues.items()}

    def tex() -> Texture:
        return Texture.sample(rng, spec.texture_wavelength_mm)

    def ell(
        offset: tuple[float, float, float],
        axes: tuple[float, float, float],
        rot: tuple[float, ...] | None = None,
    ) -> Ellipsoid:
        centre = tuple(float(v) for v in c + np.asarray(offset))
        return Ellipsoid(centre, tuple(float(a) for a in axes), rot or rotation_about("x", 0.0))

    def part(
        name: str, tissue: str, *shapes: Ellipsoid, edge: float = 0.5, clip: tuple[Ellipsoid, ...] = ()
    ) -> Structure:
        return Structure(name, tissues[tissue], shapes, clip, edge, tex())

    body_lr, body_ap = (u(*r) for r in spec.body_semi_axes_mm)
    bl = [u(*r) for r in spec.bladder_semi_axes_mm]
    tilt = rotation_about("x", float(u(*spec.prostate_tilt_deg)))
    tz_scale = float(u(*spec.tz_scale))
    prostate = ell((0, 0, 0), tuple(pa), tilt)
    tz = ell(
        (0, -0.22 * pa[1], 0.08 * pa[2]),
        (0.58 * pa[0] * tz_scale, 0.5 * pa[1] * tz_scale, 0.68 * pa[2] * min(tz_scale, 1.1)),
        tilt,
    )
    afms = ell((0, -0.92 * pa[1], 0.05 * pa[2]), (0.62 * pa[0], 0.32 * pa[1], 0.85 * pa[2]), tilt)
    rect_y = pa[1] + u(11, 15)
    sv_z = pa[2] + u(4, 8)
    body = ell((0, -u(5, 20), 0), (body_lr, body_ap, 600.0))
    structures = [
        part("body", "fat", body, edge=1.0),
        *[
            part(
                f"gluteus_{s}",
                "muscle",
                ell(
                    (sx * u(55, 70), rect_y + u(45, 60), u(-10, 10)),
                    (u(40, 50), u(30, 40), 160.0),
                    rotation_about("z", sx * 25),
                ),
                clip=(body,),
            )
            for s, sx in (("l", 1), ("r", -1))
        ],
        *[
            part(
                f"obturator_{s}",
                "muscle",
                ell(
                    (sx * (pa[0] + u(18, 24)), u(-5, 5), u(0, 10)),
                    (u(9, 13), u(28, 36), 45.0),
                    rotation_about("z", sx * 10),
                ),
            )
            for s, sx in (("l", 1), ("r", -1))
        ],
        part(
            "levator_ani",
            "muscle",
            ell((0, pa[1] * 0.6, -pa[2] * 0.9), (pa[0] + 12, pa[1] + 8, 10.0)),
            edge=1.0,
        ),
    ]
    for s, sx in (("l", 1), ("r", -1)):
        head = ell((sx * u(88, 100), u(-8, 4), u(10, 25)), (24.0, 24.0, 24.0))
        marrow = Ellipsoid(head.centre, (21.0, 21.0, 21.0))
        structures += [
            part(f"femoral_head_{s}", "cortical_bone", head),
            part(f"marrow_{s}", "bone_marrow", marrow),
        ]
    pubis = ell((0, -pa[1] - u(22, 30), u(5, 15)), (u(16, 22), 9.0, 22.0))
    structures += [
        part("pubis", "cortical_bone", pubis),
        part("pubis_marrow", "bone_marrow", Ellipsoid(pubis.centre, (pubis.semi_axes[0] - 3, 6.0, 19.0))),
    ]
    bladder = ell((0, -pa[1] * 0.4, pa[2] + bl[2] + u(1, 4)), tuple(bl))
    structures += [
        part("bladder_wall", "muscle", bladder),
        part("urine", "urine", Ellipsoid(bladder.centre, tuple(a - u(3, 5) for a in bl))),
    ]
    rectum = ell((0, rect_y, 0), (u(16, 20), u(11, 13), 80.0))
    structures += [
        part("rectal_wall", "rectal_wall", rectum),
        part(
            "rectal_content",
            "rectal_content",
            Ellipsoid(rectum.centre, (rectum.semi_axes[0] - u(4, 6), rectum.semi_axes[1] - u(4, 6), 80.0)),
        ),
    ]
    structures += [
        part(
            f"seminal_vesicle_{s}",
            "seminal_vesicle",
            ell(
                (sx * u(12, 18), pa[1] * 0.7, sv_z),
                (u(12, 16), u(4, 6), u(6, 9)),
                rotation_about("y", sx * 30),
            ),
            edge=1.0,
        )
        for s, sx in (("l", 1), ("r", -1))
    ]
    structures += [
        part("prostate_pz", "pz", prostate),
        part("prostate_tz", "tz", tz, clip=(prostate,)),
        part("prostate_afms", "afms", afms, clip=(prostate,)),
    ]
    zone_tissues = {"PZ": tissues["pz"], "TZ": tissues["tz"], "AS": tissues["afms"]}
    return Anatomy(tuple(float(v) for v in c), tuple(structures), prostate, tz, afms, zone_tissues)
