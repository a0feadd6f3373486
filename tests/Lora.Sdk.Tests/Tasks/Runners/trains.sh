#!/bin/sh
# A runner that trains two steps and finishes.
echo '##lora info spam-filter: training (fingerprint 0123456789ab)'
echo '##lora progress {"experiment":"spam-filter","step":12,"total":40,"epoch":0.3,"loss":1.23412,"lr":0.0002,"tokens_per_s":1234.4,"eta_s":42}'
echo 'a plain line'
echo '##lora done spam-filter: artifacts in /tmp/a (1.0 s)'
echo '##lora expectation {"experiment":"spam-filter","metric":"Accuracy","actual":0.95,"at_least":0.9,"at_most":null,"passed":true}'
exit 0
