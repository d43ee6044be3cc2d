"""Drop-ins for the schedules of other packages, on any key, per group, with their numbers.

One module per peer: :mod:`.transformers` (HF ``get_scheduler`` and ``get_*_schedule*``),
:mod:`.timm` (``timm.scheduler``), :mod:`.fvcore` (``fvcore.common.param_scheduler``). Each keeps
the peer's names, arguments, defaults and timing, so a port changes only the import, and
returns this package's schedules (real ``LRScheduler`` objects with its state-dict contract).
Their curves are registered under namespaced names (``"transformers:cosine"``) by
:mod:`.plugin`, so configs and the CLI reach them. The pytorch-accelerated drop-ins are the
top-level ``sa.SchedulerBase``, ``sa.StatefulSchedulerBase``, ``sa.CosineLrScheduler`` and
``sa.WSDLrScheduler``.

Importing this package imports none of the peers.
"""
