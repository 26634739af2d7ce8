// Package net stands in for compat/net. Unlike the real one it declares
// UDPConn itself and aliases UnixConn, so that the tests show the owned
// types come from these declarations, not from a list.
package net

import "net"

type (
	Conn       = net.Conn
	PacketConn = net.PacketConn
	TCPAddr    = net.TCPAddr
	UnixConn   = net.UnixConn
	Resolver   = net.Resolver
)

type TCPConn struct{ Conn }

type UDPConn struct{ Conn }

type Dialer struct{ Timeout int }

func (d *Dialer) Dial(network, address string) (Conn, error) { return net.Dial(network, address) }

func Dial(network, address string) (Conn, error) { return net.Dial(network, address) }

func LookupHost(host string) ([]string, error) { return net.LookupHost(host) }

func ListenPacket(network, address string) (PacketConn, error) {
	return net.ListenPacket(network, address)
}

func JoinHostPort(host, port string) string { return net.JoinHostPort(host, port) }
