from hypothesis import settings

# The machines that run this suite are shared and slow: no per-example deadline.
settings.register_profile("course", deadline=None, max_examples=50)
settings.load_profile("course")
