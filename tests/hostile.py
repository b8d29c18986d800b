"""Answers whose own code misbehaves (issue 21), shared by the checkers' tests and the fuzz test:
a checker must answer each with Feedback, in time, never an exception."""


class Sized:
    size = 1  # looks like a one-element array, but has no .item()


class LoopingFloat(float):
    def __float__(self):
        while True:
            pass


class RaisingSize:
    @property
    def size(self):
        raise RuntimeError("a property that raises")


class Liar(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__

    def strip(self, *args):
        return self
