"""Drives `dlk kernel` with Debian's jupyter_client (a client nobody here wrote) and prints what it saw as JSON.

Run by KernelProtocolTests with JUPYTER_PATH pointing at a temporary folder that holds the kernelspec; the assertions
are in the C# test. Each probe records the messages the kernel sent, so a wrong reply shows up there.
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

observed = {}


def collect(kc, msg_id, timeout=120):
    """The iopub messages answering msg_id up to its idle status, and the shell reply."""
    messages = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append({"type": msg["msg_type"], "content": msg["content"]})
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return messages, reply["content"]


def run(kc, code, **kwargs):
    return collect(kc, kc.execute(code, **kwargs))


km = KernelManager(kernel_name=sys.argv[1])
started = time.time()
km.start_kernel(stderr=open(sys.argv[2], "w"))
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
observed["startup_seconds"] = time.time() - started

kc.kernel_info()
observed["kernel_info"] = kc.get_shell_msg(timeout=30)["content"]

started = time.time()
observed["hello"] = run(kc, 'Console.WriteLine("hello"); 1 + 2')
observed["first_cell_seconds"] = time.time() - started

observed["package"] = run(kc, '#r "nuget: DeepLearnKit, 0.1.0"\nusing DeepLearnKit;\nTensor.Ones(2).Sum().Item()')
# A learner's own Plotly.NET 6 chart (it needs an FSharp.Core that .NET Interactive's last kernel cannot load, and its
# Giraffe.ViewEngine dependency was built against FSharp.Core 5.0.0.0).
observed["plotly_net"] = run(kc, "\n".join([
    '#r "nuget: Plotly.NET, 6.0.0"',
    '#r "nuget: Plotly.NET.Interactive, 6.0.0"',
    "using Plotly.NET;",
    "using Microsoft.FSharp.Core;",
    "var trace = Trace2D.initScatter(FuncConvert.FromFunc<Trace2D, Trace2D>(t => { t.SetProperty(\"x\", new[] { 1.0, 2.0 }); "
    "t.SetProperty(\"y\", new[] { 3.0, 4.0 }); t.SetProperty(\"mode\", \"markers\"); return t; }));",
    "GenericChart.ofTraceObject(true, trace)",
]))
observed["update"] = run(kc, 'var shown = display("first"); shown.Update("second");')
observed["error"] = run(kc, 'throw new InvalidOperationException("boom");')

msg_id = kc.complete("Tensor.Ran", 10)
observed["complete"] = kc.get_shell_msg(timeout=60)["content"]
kc.inspect("Tensor.Ones(2).Sigmoid(", 23)
observed["inspect"] = kc.get_shell_msg(timeout=60)["content"]
kc.is_complete("if (true) {")
observed["incomplete"] = kc.get_shell_msg(timeout=30)["content"]
kc.is_complete("var x = 1;")
observed["complete_code"] = kc.get_shell_msg(timeout=30)["content"]
kc.comm_info()
observed["comm_info"] = kc.get_shell_msg(timeout=30)["content"]

# stdin: Console.ReadLine asks the client, which answers on the stdin channel.
msg_id = kc.execute("var name = Console.ReadLine(); name.Length", allow_stdin=True)
request = kc.get_stdin_msg(timeout=60)
observed["input_request"] = request["msg_type"]
kc.input("abcd")
observed["stdin"] = collect(kc, msg_id)
observed["no_stdin"] = run(kc, "Console.ReadLine()", allow_stdin=False)

# Interrupt a loop that never ends; the session must survive it.
msg_id = kc.execute("long spins = 0; while (true) { spins++; }")
time.sleep(2)
km.interrupt_kernel()
observed["interrupted"] = collect(kc, msg_id, timeout=30)
observed["after_interrupt"] = run(kc, "spins > 0")

# A message signed with another key is dropped: no output, no reply; the kernel goes on.
forged = Session(key=b"not-the-key", username="intruder")
forged.send(kc.shell_channel.socket, "execute_request", {"code": 'Console.WriteLine("forged")', "silent": False,
                                                          "store_history": True, "user_expressions": {}, "allow_stdin": False})
time.sleep(2)
forged_seen = []
while True:
    try:
        forged_seen.append(kc.get_iopub_msg(timeout=1)["msg_type"])
    except Exception:
        break
observed["forged_iopub"] = forged_seen
try:
    kc.get_shell_msg(timeout=1)
    observed["forged_reply"] = True
except Exception:
    observed["forged_reply"] = False

# An unknown request is ignored; the kernel still answers the next one.
unknown = kc.session.msg("no_such_request", {})
kc.shell_channel.send(unknown)
observed["after_unknown"] = run(kc, "40 + 2")

km.restart_kernel(now=False)
kc.wait_for_ready(timeout=60)
observed["after_restart"] = run(kc, "1 + 1")

km.shutdown_kernel(now=False)
observed["alive_after_shutdown"] = km.is_alive()
print(json.dumps(observed))
