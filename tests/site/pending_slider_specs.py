"""The "site-slider" entries the lessons' slider cells need (see website/sliders.py), until the
notebooks carry them. To be removed once they do: the merger adds each entry to its cell's
metadata (the test fixture adds them only to a temporary copy of the notebooks, and only to a
cell that has none and whose code calls the named builder)."""
IMAGE_04 = [[10, 20, 30, 40], [30, 40, 50, 60], [20, 30, 40, 50], [10, 20, 30, 40]]
KERNEL_04 = [[0.5, 0.3], [0.2, 0.1]]
TARGET_04 = [[0.0] * 3] * 3
DATASET_05 = {"call": "lessons_lib.edge_experiment.make_dataset",
              "kwargs": {"n_images": 64, "size": 10, "noise": 0.2, "seed": 0}}

SPECS = {
    ("00-start-here.ipynb", "c06"): {"builder": "lessons_lib.widgets.line_fit", "kwargs": {},
                                     "sweep": "a"},
    ("01-gradient-descent.ipynb", "c22"): {
        "builder": "lessons_lib.widgets.learning_rate_explorer",
        "kwargs": {"x": 2.0, "y_true": 6.0, "w0": 0.0}, "sweep": "lr"},
    ("03-chain-rule.ipynb", "c14"): {"builder": "lessons_lib.chain_rule_widgets.backward_stepper",
                                     "kwargs": {"x": 2.0}, "sweep": "step"},
    ("04-conv2d-by-hand.ipynb", "c29"): {
        "builder": "lessons_lib.conv2d_widgets.weight_picker",
        "kwargs": {"image": IMAGE_04, "kernel": KERNEL_04, "target": TARGET_04},
        "sweep": "weight"},
    ("04-conv2d-by-hand.ipynb", "c33"): {
        "builder": "lessons_lib.conv2d_widgets.kernel_slider",
        "kwargs": {"image": IMAGE_04, "kernel": KERNEL_04}, "sweep": "position"},
    ("04-conv2d-by-hand.ipynb", "c41"): {
        "builder": "lessons_lib.conv2d_widgets.lr_explorer",
        "kwargs": {"image": IMAGE_04, "kernel": KERNEL_04, "target": TARGET_04}, "sweep": "lr",
        "frames": 31},
    ("05-inside-autograd.ipynb", "c41"): {
        "builder": "lessons_lib.edge_experiment.training_scrubber",
        "kwargs": {"run": {"call": "lessons_lib.edge_experiment.train",
                           "args": [{**DATASET_05, "item": 0}, {**DATASET_05, "item": 1},
                                    {"call": "lessons_lib.edge_experiment.random_kernel",
                                     "kwargs": {"seed": 1}}],
                           "kwargs": {"lr": 0.1, "steps": 300, "batch_size": 8, "seed": 2}}},
        "sweep": "step", "frames": 31},
    ("07-better-steps.ipynb", "c31"): {"builder": "lessons_lib.optimisers_widgets.path_explorer",
                                       "kwargs": {}, "sweep": "lr_x_lam", "frames": 36},
}
