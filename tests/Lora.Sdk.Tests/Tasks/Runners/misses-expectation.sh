#!/bin/sh
# A runner whose [Expect] is not met.
echo '##lora expectation {"experiment":"spam-filter","metric":"Accuracy","actual":0.85,"at_least":0.9,"at_most":null,"passed":false,"file":"/p/Experiment.cs","line":14,"column":2}'
exit 2
