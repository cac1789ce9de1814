"""Augmentation layers with fixed draws (shared by the generator and the test)."""

SPECS = {
    "rotation_90": ("RandomRotation", {"factor": (0.25, 0.25)}),
    "rotation_20deg_constant": ("RandomRotation", {"factor": (0.0555, 0.0555),
                                                   "fill_mode": "constant",
                                                   "fill_value": 7.0}),
    "rotation_nearest_wrap": ("RandomRotation", {"factor": (-0.1, -0.1), "fill_mode": "wrap",
                                                 "interpolation": "nearest"}),
    "translation": ("RandomTranslation", {"height_factor": (0.2, 0.2),
                                          "width_factor": (-0.3, -0.3)}),
    "translation_nearest": ("RandomTranslation", {"height_factor": (-0.15, -0.15),
                                                  "width_factor": (0.1, 0.1),
                                                  "fill_mode": "nearest"}),
    "zoom_in": ("RandomZoom", {"height_factor": (-0.3, -0.3)}),
    "zoom_out_wh": ("RandomZoom", {"height_factor": (0.2, 0.2), "width_factor": (0.4, 0.4),
                                   "fill_mode": "constant"}),
    "brightness": ("RandomBrightness", {"factor": (0.1, 0.1)}),
    "brightness_clip": ("RandomBrightness", {"factor": (-0.6, -0.6)}),
}
