"""`sam` with `--docker-network host` working where Docker has no bridge network.

Run with the Python of the venv that holds aws-sam-cli, in place of `sam`:

    python scripts/sam-host-network.py local invoke … --docker-network host

aws-sam-cli (1.170) treats the network `host` as "no network to connect": it creates the
container without a network mode, so the container lands on Docker's default network, and
reaches the emulator through a published port. Where dockerd runs with `--bridge=none` (this
machine: no bridge, no iptables) the default network is no network at all: the function cannot
reach Postgres or the S3/SQS server on 127.0.0.1, and SAM cannot reach the emulator.

This wrapper changes only that case: a container asked for on the network `host` is created
in Docker's host network mode, and its Runtime Interface Emulator is told to listen on the port
SAM connects to (`--runtime-interface-emulator-address`), with its Runtime API on a free port of
its own (`--runtime-api-address`) so that several warm containers can run side by side. Every
other path of the SAM CLI is unchanged.
"""

import socket
import sys

import docker.models.containers as docker_containers
import samcli.local.docker.container as container
from samcli.cli.main import cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


create = container.Container.create


def create_on_host_network(self, *args, **kwargs):
    if self.network_id == "host":
        self._container_opts = dict(self._container_opts or {}, network_mode="host")
        if self._entrypoint and self._entrypoint[0].endswith("aws-lambda-rie"):
            self._entrypoint = list(self._entrypoint) + [
                "--runtime-interface-emulator-address",
                f"127.0.0.1:{self.rapid_port_host}",
                "--runtime-api-address",
                f"127.0.0.1:{free_port()}",
            ]
    return create(self, *args, **kwargs)


container.Container.create = create_on_host_network

# A host-network container publishes no ports (docker-py refuses both at once): the emulator
# listens on the host already.
container_args = docker_containers._create_container_args


def container_args_on_host_network(kwargs):
    if kwargs.get("network_mode") == "host":
        kwargs = {k: v for k, v in kwargs.items() if k != "ports"}
    return container_args(kwargs)


docker_containers._create_container_args = container_args_on_host_network

if __name__ == "__main__":
    sys.argv[0] = "sam"
    sys.exit(cli())
