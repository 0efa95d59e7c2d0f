"""The SWF API operations, one file per family: domains and types (`registry`), runs and
their visibility (`executions`), long polls and task responses (`tasks`), and applying a
decision batch (`decisions`). `DevServer` routes each operation name to its method.

May import: the devserver's core (engine, model, faults, paging); nothing of swflow
outside the devserver but ``swflow.swf`` vocabulary and ``swflow.errors``.
"""
