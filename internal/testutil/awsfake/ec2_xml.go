package awsfake

// The EC2 query protocol's result shapes, as the SDK's deserializers read them
// (aws-sdk-go-v2/service/ec2 deserializers.go): lists are <xSet><item>…</item></xSet>.

type xmlTag struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type xmlState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type xmlInstance struct {
	InstanceID       string   `xml:"instanceId"`
	InstanceType     string   `xml:"instanceType"`
	State            xmlState `xml:"instanceState"`
	PrivateIP        string   `xml:"privateIpAddress,omitempty"`
	LaunchTime       string   `xml:"launchTime"`
	SpotRequestID    string   `xml:"spotInstanceRequestId,omitempty"`
	InstanceLifecyle string   `xml:"instanceLifecycle,omitempty"`
	Tags             []xmlTag `xml:"tagSet>item"`
}

type xmlReservation struct {
	ReservationID string        `xml:"reservationId"`
	OwnerID       string        `xml:"ownerId"`
	Instances     []xmlInstance `xml:"instancesSet>item"`
}

type describeInstancesResult struct {
	Reservations []xmlReservation `xml:"reservationSet>item"`
	NextToken    string           `xml:"nextToken,omitempty"`
}

type xmlStateChange struct {
	InstanceID    string   `xml:"instanceId"`
	CurrentState  xmlState `xml:"currentState"`
	PreviousState xmlState `xml:"previousState"`
}

type terminateInstancesResult struct {
	Instances []xmlStateChange `xml:"instancesSet>item"`
}

type xmlSpotRequest struct {
	ID         string   `xml:"spotInstanceRequestId"`
	State      string   `xml:"state"`
	Type       string   `xml:"type"`
	InstanceID string   `xml:"instanceId,omitempty"`
	CreateTime string   `xml:"createTime"`
	Tags       []xmlTag `xml:"tagSet>item"`
}

type describeSpotRequestsResult struct {
	Requests  []xmlSpotRequest `xml:"spotInstanceRequestSet>item"`
	NextToken string           `xml:"nextToken,omitempty"`
}

type xmlCancelledSpot struct {
	ID    string `xml:"spotInstanceRequestId"`
	State string `xml:"state"`
}

type cancelSpotRequestsResult struct {
	Requests []xmlCancelledSpot `xml:"spotInstanceRequestSet>item"`
}

type xmlFleet struct {
	FleetID    string   `xml:"fleetId"`
	FleetState string   `xml:"fleetState"`
	Type       string   `xml:"type"`
	CreateTime string   `xml:"createTime"`
	Tags       []xmlTag `xml:"tagSet>item"`
}

type describeFleetsResult struct {
	Fleets    []xmlFleet `xml:"fleetSet>item"`
	NextToken string     `xml:"nextToken,omitempty"`
}

type xmlFleetDeleted struct {
	FleetID       string `xml:"fleetId"`
	CurrentState  string `xml:"currentFleetState"`
	PreviousState string `xml:"previousFleetState"`
}

type xmlFleetNotDeleted struct {
	FleetID string `xml:"fleetId"`
	Code    string `xml:"error>code"`
	Message string `xml:"error>message"`
}

type deleteFleetsResult struct {
	Deleted    []xmlFleetDeleted    `xml:"successfulFleetDeletionSet>item"`
	NotDeleted []xmlFleetNotDeleted `xml:"unsuccessfulFleetDeletionSet>item"`
}

type xmlKeyPair struct {
	KeyPairID  string   `xml:"keyPairId"`
	KeyName    string   `xml:"keyName"`
	KeyType    string   `xml:"keyType"`
	CreateTime string   `xml:"createTime"`
	Tags       []xmlTag `xml:"tagSet>item"`
}

type describeKeyPairsResult struct {
	KeyPairs []xmlKeyPair `xml:"keySet>item"`
}

type deleteKeyPairResult struct {
	Return    bool   `xml:"return"`
	KeyPairID string `xml:"keyPairId,omitempty"`
}

type createTagsResult struct {
	Return bool `xml:"return"`
}
